using Microsoft.Extensions.Options;
using Newsletter.Matching;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Subscriptions;

/// <summary>
/// The reader-facing pages: subscribe, check your inbox, confirm, manage (save, data, delete, stop a topic),
/// unsubscribe and re-subscribe. Plain HTML forms with antiforgery tokens; they work without JavaScript.
/// </summary>
public static class SubscriptionPages
{
    public static IEndpointRouteBuilder MapSubscriptionPages(this IEndpointRouteBuilder app)
    {
        MapSubscribe(app);
        MapConfirm(app);
        MapManage(app);
        MapManageData(app);
        MapStopLinks(app);
        MapUnsubscribe(app);
        return app;
    }

    // The form, its preview, and the page that says to check the inbox.
    private static void MapSubscribe(IEndpointRouteBuilder app)
    {
        // "?topics=a,b&keywords=q" prefills the form (the papers page's "get these by email" link); nothing is checked or
        // searched until the reader previews or subscribes.
        app.MapGet("/", (HttpContext http, Pages pages, FormProtection forms, PreferencesForm form, IOptions<SubscriptionOptions> options) =>
            pages.Show("web/subscribe.html.sbn",
                form.Model("/", PreferencesForm.Prefill(http.Request.Query, options.Value), null, forms.Field(http), null, options.Value.PreviewDays, autofillTimezone: true)));

        app.MapPost("/", async (HttpContext http, Pages pages, FormProtection forms, PreferencesForm form, SubscriptionValidator validator,
            SubscriptionService service, PaperSearch search, IOptions<SubscriptionOptions> options, TimeProvider clock, CancellationToken ct) =>
        {
            if (!http.Request.HasFormContentType) return pages.Show("web/bad-request.html.sbn", new(), StatusCodes.Status400BadRequest);
            var posted = await http.Request.ReadFormAsync(ct);
            var input = PreferencesForm.Read(posted);
            var days = options.Value.PreviewDays;
            ScriptObject Page(IReadOnlyDictionary<string, string[]>? errors, PreviewResult? preview) =>
                form.Model("/", input, errors, forms.Field(http), preview, days, autofillTimezone: false);

            if (!await forms.IsValidAsync(http))
                return pages.Show("web/subscribe.html.sbn", Page(FormExpired, null), StatusCodes.Status400BadRequest);
            if (posted["action"] == "preview")
            {
                var (errors, preview, status) = FormPreview(validator, search, input, clock.GetUtcNow().AddDays(-days), http.RequestAborted);
                return pages.Show("web/subscribe.html.sbn", Page(errors, preview), status);
            }
            // A bot that fills the invisible field is told the same as a person, and nothing happens.
            if (!string.IsNullOrEmpty(posted[PreferencesForm.HoneypotField])) return SeeOther("/check-inbox");
            var validation = validator.Validate(input);
            if (!validation.IsValid) return pages.Show("web/subscribe.html.sbn", Page(validation.Errors, null), StatusCodes.Status400BadRequest);
            service.Subscribe(validation.Request.Email, validation.Request);
            return SeeOther("/check-inbox");
        }).RequireRateLimiting(SubscriptionRateLimits.Subscribe);

        app.MapGet("/check-inbox", (Pages pages, IOptions<SubscriptionOptions> options) =>
            pages.Show("web/check-inbox.html.sbn", new ScriptObject { ["hours"] = options.Value.ConfirmationLifetimeHours }));
    }

    private static void MapConfirm(IEndpointRouteBuilder app)
    {
        // Mail scanners fetch links: the GET only shows the address and a button; the POST confirms.
        app.MapGet("/confirm/{token}", (string token, HttpContext http, SubscriptionService service, Pages pages, FormProtection forms,
            TopicCatalog topics) =>
        {
            var (status, subscriber, choices) = service.FindConfirmation(token);
            return status switch
            {
                TokenStatus.Valid => pages.Show("web/confirm.html.sbn", new ScriptObject
                {
                    ["email"] = MaskedEmail.Of(subscriber!.Email), ["action"] = $"/confirm/{token}", ["antiforgery"] = forms.Field(http),
                    ["already_subscribed"] = subscriber.State == SubscriberStates.Confirmed,
                    // What the press will apply, so nobody approves choices they did not make.
                    ["choices"] = choices is null ? null : ChoicesModel(choices, topics),
                }),
                TokenStatus.Expired => ExpiredConfirmation(pages, forms, http, token),
                _ => LinkProblem(pages, status),
            };
        });

        app.MapPost("/confirm/{token}", async (string token, HttpContext http, SubscriptionService service, Pages pages, FormProtection forms) =>
        {
            if (!await forms.IsValidAsync(http)) return pages.Show("web/bad-request.html.sbn", new(), StatusCodes.Status400BadRequest);
            var (status, subscriber) = service.Confirm(token);
            return status switch
            {
                TokenStatus.Valid => pages.Show("web/confirmed.html.sbn", ConfirmedModel(subscriber!, service.ManagePath(subscriber!.Id))),
                TokenStatus.Expired => ExpiredConfirmation(pages, forms, http, token),
                _ => LinkProblem(pages, status),
            };
        });

        app.MapPost("/confirm/{token}/renew", async (string token, HttpContext http, SubscriptionService service, Pages pages,
            FormProtection forms) =>
        {
            if (!await forms.IsValidAsync(http)) return pages.Show("web/bad-request.html.sbn", new(), StatusCodes.Status400BadRequest);
            return service.RenewConfirmation(token) ? SeeOther("/check-inbox") : LinkProblem(pages, TokenStatus.Unknown);
        }).RequireRateLimiting(SubscriptionRateLimits.Subscribe);
    }

    private static void MapManage(IEndpointRouteBuilder app)
    {
        app.MapGet("/manage/{token}", (string token, HttpContext http, SubscriptionService service, Pages pages, FormProtection forms,
            PreferencesForm form, SubscriptionLinks links, IOptions<SubscriptionOptions> options) =>
        {
            if (service.FindByManageToken(token) is not { } subscriber) return LinkProblem(pages, TokenStatus.Unknown);
            var input = SubscriptionInput.From(subscriber, service.Filters(subscriber.Id));
            var model = form.Model("/manage/" + token, input, null, forms.Field(http), null, options.Value.PreviewDays, autofillTimezone: false);
            return pages.Show("web/manage.html.sbn", ManageModel(model, token, subscriber, service.UnsubscribePath(subscriber.Id), links.FeedPath(subscriber.Id), saved: http.Request.Query.ContainsKey("saved")));
        });

        app.MapPost("/manage/{token}", async (string token, HttpContext http, SubscriptionService service, Pages pages, FormProtection forms,
            PreferencesForm form, SubscriptionValidator validator, PaperSearch search, SubscriptionLinks links, IOptions<SubscriptionOptions> options,
            TimeProvider clock, CancellationToken ct) =>
        {
            if (service.FindByManageToken(token) is not { } subscriber) return LinkProblem(pages, TokenStatus.Unknown);
            if (!http.Request.HasFormContentType) return pages.Show("web/bad-request.html.sbn", new(), StatusCodes.Status400BadRequest);
            var posted = await http.Request.ReadFormAsync(ct);
            var input = PreferencesForm.Read(posted) with { Email = subscriber.Email };
            var days = options.Value.PreviewDays;
            IResult Page(IReadOnlyDictionary<string, string[]>? errors, PreviewResult? preview, int status) =>
                pages.Show("web/manage.html.sbn",
                    ManageModel(form.Model("/manage/" + token, input, errors, forms.Field(http), preview, days, autofillTimezone: false), token, subscriber, service.UnsubscribePath(subscriber.Id), links.FeedPath(subscriber.Id), saved: false),
                    status);

            if (!await forms.IsValidAsync(http)) return Page(FormExpired, null, StatusCodes.Status400BadRequest);
            if (posted["action"] == "preview")
            {
                var (errors, preview, status) = FormPreview(validator, search, input, clock.GetUtcNow().AddDays(-days), http.RequestAborted);
                return Page(errors, preview, status);
            }
            var validation = validator.Validate(input, requireEmail: false);
            if (!validation.IsValid) return Page(validation.Errors, null, StatusCodes.Status400BadRequest);
            service.UpdatePreferences(subscriber, validation.Request);
            return SeeOther($"/manage/{token}?saved=1");
        }).RequireRateLimiting(SubscriptionRateLimits.Preview); // its preview button runs searches like GET /api/preview
    }

    // The reader's own data: a copy to download, or all of it deleted.
    private static void MapManageData(IEndpointRouteBuilder app)
    {
        app.MapGet("/manage/{token}/data", (string token, SubscriptionService service, ReaderDataSections sections, Pages pages) =>
            service.FindByManageToken(token) is { } subscriber
                ? Results.File(
                    System.Text.Encoding.UTF8.GetBytes(sections.AddTo(service.ExportData(subscriber), subscriber.Id).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })),
                    "application/json", "my-newsletter-data.json")
                : LinkProblem(pages, TokenStatus.Unknown));

        app.MapPost("/manage/{token}/delete", async (string token, HttpContext http, SubscriptionService service, Pages pages, FormProtection forms) =>
        {
            if (service.FindByManageToken(token) is not { } subscriber) return LinkProblem(pages, TokenStatus.Unknown);
            if (!await forms.IsValidAsync(http)) return pages.Show("web/bad-request.html.sbn", new(), StatusCodes.Status400BadRequest);
            service.DeleteEverything(subscriber.Id);
            return pages.Show("web/deleted.html.sbn", new());
        });
    }

    // The "stop this topic" and "stop this search" links of every digest.
    private static void MapStopLinks(IEndpointRouteBuilder app)
    {
        app.MapGet("/manage/{token}/stop/{slug}", (string token, string slug, HttpContext http, SubscriptionService service, Pages pages,
            FormProtection forms, TopicCatalog topics) =>
        {
            if (service.FindByManageToken(token) is null || topics.Find(slug) is not { } topic) return LinkProblem(pages, TokenStatus.Unknown);
            return pages.Show("web/stop-topic.html.sbn",
                StopModel(token, topic.Name, isSearch: false, $"/manage/{token}/stop/{Uri.EscapeDataString(topic.Slug)}", forms.Field(http)));
        });

        app.MapPost("/manage/{token}/stop/{slug}", async (string token, string slug, HttpContext http, SubscriptionService service, Pages pages,
            FormProtection forms, TopicCatalog topics) =>
        {
            if (service.FindByManageToken(token) is not { } subscriber || topics.Find(slug) is not { } topic) return LinkProblem(pages, TokenStatus.Unknown);
            if (!await forms.IsValidAsync(http)) return pages.Show("web/bad-request.html.sbn", new(), StatusCodes.Status400BadRequest);
            service.StopTopic(subscriber.Id, topic.Slug);
            return pages.Show("web/topic-stopped.html.sbn", StoppedModel(token, topic.Name, isSearch: false, service, subscriber.Id));
        });

        // A keyword travels as its hash (see SubscriberFilter.KeywordKey): a query may hold '/', '?' or '#'.
        // As for topics, a GET only shows the button, because mail scanners open links.
        app.MapGet("/manage/{token}/stop-search/{key}", (string token, string key, HttpContext http, SubscriptionService service, Pages pages,
            FormProtection forms) =>
        {
            if (service.FindByManageToken(token) is not { } subscriber || service.FindKeyword(subscriber.Id, key) is not { } keyword)
                return LinkProblem(pages, TokenStatus.Unknown);
            return pages.Show("web/stop-topic.html.sbn", StopModel(token, keyword, isSearch: true, $"/manage/{token}/stop-search/{key}", forms.Field(http)));
        });

        app.MapPost("/manage/{token}/stop-search/{key}", async (string token, string key, HttpContext http, SubscriptionService service,
            Pages pages, FormProtection forms) =>
        {
            if (service.FindByManageToken(token) is not { } subscriber) return LinkProblem(pages, TokenStatus.Unknown);
            if (!await forms.IsValidAsync(http)) return pages.Show("web/bad-request.html.sbn", new(), StatusCodes.Status400BadRequest);
            // Stopped already (a second click, another tab): say so rather than "unknown link".
            if (service.FindKeyword(subscriber.Id, key) is not { } keyword) return LinkProblem(pages, TokenStatus.Used);
            service.StopKeyword(subscriber.Id, keyword);
            return pages.Show("web/topic-stopped.html.sbn", StoppedModel(token, keyword, isSearch: true, service, subscriber.Id));
        });
    }

    private static ScriptObject StopModel(string token, string name, bool isSearch, string action, ScriptObject antiforgery) => new()
    {
        ["topic"] = name, ["is_search"] = isSearch, ["action"] = action, ["manage_url"] = "/manage/" + token, ["antiforgery"] = antiforgery,
    };

    // The last filter may go: the reader is told their digests will be empty and offered both ways on.
    private static ScriptObject StoppedModel(string token, string name, bool isSearch, SubscriptionService service, long subscriberId) => new()
    {
        ["topic"] = name, ["is_search"] = isSearch, ["manage_url"] = "/manage/" + token,
        ["nothing_left"] = service.Filters(subscriberId).Count == 0, ["unsubscribe_url"] = service.UnsubscribePath(subscriberId),
    };

    private static void MapUnsubscribe(IEndpointRouteBuilder app)
    {
        // Mail scanners fetch links: a GET only shows the button and never unsubscribes.
        app.MapGet("/unsubscribe/{token}", (string token, Pages pages, SubscriptionService service) =>
            service.FindByUnsubscribeToken(token) is { } subscriber
                ? pages.Show("web/unsubscribe.html.sbn", new ScriptObject { ["token"] = token, ["email"] = MaskedEmail.Of(subscriber.Email) })
                : LinkProblem(pages, TokenStatus.Unknown));

        // RFC 8058 one-click: a POST (body List-Unsubscribe=One-Click) without cookies or antiforgery token
        // unsubscribes at once and answers 200, no redirect. The token itself is the proof.
        app.MapPost("/unsubscribe/{token}", (string token, HttpContext http, SubscriptionService service, Pages pages, FormProtection forms) =>
            service.Unsubscribe(token) == TokenStatus.Valid
                ? pages.Show("web/unsubscribed.html.sbn", new ScriptObject
                {
                    ["resubscribe_action"] = $"/unsubscribe/{token}/resubscribe", ["antiforgery"] = forms.Field(http),
                })
                : LinkProblem(pages, TokenStatus.Unknown)).DisableAntiforgery();

        app.MapPost("/unsubscribe/{token}/resubscribe", async (string token, HttpContext http, SubscriptionService service, Pages pages,
            FormProtection forms) =>
        {
            if (!await forms.IsValidAsync(http)) return pages.Show("web/bad-request.html.sbn", new(), StatusCodes.Status400BadRequest);
            var status = service.Resubscribe(token);
            return status == TokenStatus.Valid ? SeeOther("/check-inbox") : LinkProblem(pages, status);
        }).RequireRateLimiting(SubscriptionRateLimits.Subscribe);
    }

    /// <summary>
    /// A form's preview button: the filters checked, then previewed in the reader's order; a preview that uses up
    /// its budget is refused with the reason shown next to the keywords (503).
    /// </summary>
    private static (IReadOnlyDictionary<string, string[]> Errors, PreviewResult? Preview, int Status) FormPreview(
        SubscriptionValidator validator, PaperSearch search, SubscriptionInput input, DateTimeOffset since, CancellationToken aborted)
    {
        var filters = validator.ValidateFilters(input);
        if (!filters.IsValid) return (filters.Errors, null, StatusCodes.Status400BadRequest);
        try
        {
            var preview = search.Preview(filters.Request.Topics, filters.Request.Keywords, since,
                DigestOrders.Parse(filters.Request.Order), aborted);
            return (filters.Errors, preview, StatusCodes.Status200OK);
        }
        catch (Newsletter.Storage.QueryBudgetSpentException e)
        {
            return (new Dictionary<string, string[]> { [SubscriptionValidator.KeywordsField] = [SubscriptionEndpoints.TooLong(e)] }, null,
                StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static readonly IReadOnlyDictionary<string, string[]> FormExpired =
        new Dictionary<string, string[]> { ["form"] = ["This form has expired. Please check your choices and send it again."] };

    private static ScriptObject ManageModel(ScriptObject model, string token, Subscriber subscriber, string unsubscribePath, string feedPath, bool saved)
    {
        model["unsubscribe_url"] = unsubscribePath;
        model["feed_url"] = feedPath;
        model["masked_email"] = MaskedEmail.Of(subscriber.Email);
        model["state"] = subscriber.State;
        model["saved"] = saved;
        model["data_url"] = $"/manage/{token}/data";
        model["delete_action"] = $"/manage/{token}/delete";
        model["for_you_url"] = $"/manage/{token}/for-you";
        return model;
    }

    private static IResult ExpiredConfirmation(Pages pages, FormProtection forms, HttpContext http, string token) =>
        pages.Show("web/link-expired.html.sbn", new ScriptObject
        {
            ["renew_action"] = $"/confirm/{token}/renew", ["antiforgery"] = forms.Field(http),
        }, StatusCodes.Status410Gone);

    // The first digest's local date, time and zone, so the reader knows when to look.
    private static ScriptObject ConfirmedModel(Subscriber subscriber, string managePath)
    {
        var model = new ScriptObject { ["manage_url"] = managePath, ["email"] = MaskedEmail.Of(subscriber.Email) };
        if (subscriber.NextDueAt is { } due)
        {
            var local = TimeZoneInfo.ConvertTime(due, DigestSchedule.FindZone(subscriber.Timezone));
            var culture = System.Globalization.CultureInfo.InvariantCulture;
            model["first_digest_date"] = local.ToString("dddd d MMMM yyyy", culture);
            model["first_digest_time"] = local.ToString("HH:mm", culture);
            model["first_digest_zone"] = subscriber.Timezone;
            model["first_digest_at"] = due.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", culture);
            model["weekly"] = subscriber.Frequency == "weekly";
        }
        return model;
    }

    private static IResult SeeOther(string path) => new SeeOtherResult(path);

    private static IResult LinkProblem(Pages pages, TokenStatus status) => status switch
    {
        TokenStatus.Expired => pages.Show("web/link-expired.html.sbn", new(), StatusCodes.Status410Gone),
        TokenStatus.Used => pages.Show("web/link-used.html.sbn", new(), StatusCodes.Status410Gone),
        _ => pages.Show("web/link-unknown.html.sbn", new(), StatusCodes.Status404NotFound),
    };

    /// <summary>303 See Other: after a form POST the browser GETs the next page (no resubmission on reload).</summary>
    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }

    /// <summary>A confirmation's choices as a reader reads them: topic names, searches as typed, schedule, order.</summary>
    private static ScriptObject ChoicesModel(SubscriptionRequest choices, TopicCatalog topics)
    {
        var at = $"{choices.Hour:00}:00 ({choices.Timezone})";
        return new ScriptObject
        {
            ["topics"] = choices.Topics.Select(slug => topics.Find(slug)?.Name ?? slug).ToList(),
            ["searches"] = choices.Keywords.ToList(),
            ["schedule"] = choices.Frequency == "weekly" ? $"weekly, on {(DayOfWeek)choices.Weekday}s at {at}" : $"daily at {at}",
            ["order"] = DigestOrders.Parse(choices.Order) == DigestOrder.Relevance ? "best match first" : "most upvoted first",
        };
    }
}
