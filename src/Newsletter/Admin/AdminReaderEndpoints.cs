using System.Globalization;
using Newsletter.Digests;
using Newsletter.Subscriptions;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Admin;

/// <summary>
/// <c>/admin/readers</c>: one reader's story, found by address, and the operator's actions on them. Each action is a
/// GET that says what will happen (it changes nothing) and a POST, with an antiforgery token, that does it.
/// </summary>
public static class AdminReaderEndpoints
{
    /// <summary>Where the reader pages live.</summary>
    public const string Path = AdminEndpoints.Path + "/readers";

    /// <summary>The query-string field that names the reader to show.</summary>
    public const string EmailField = "email";

    /// <summary>The form field that carries the reason for lifting a suppression.</summary>
    public const string ReasonField = "reason";

    /// <summary>Maps the reader page and its actions.</summary>
    public static WebApplication MapAdminReaders(this WebApplication app)
    {
        app.MapGet(Path, (HttpContext http, Pages pages, SubscriberStore subscribers, ReaderStory story) =>
        {
            if (!OperatorAccess.IsGranted(http)) return Results.Unauthorized();
            http.Response.Headers.CacheControl = "no-store";
            var text = http.Request.Query[EmailField].FirstOrDefault() ?? "";
            if (text.Trim().Length == 0)
                return AdminEndpoints.Show(pages, "web/admin/readers.html.sbn", new ScriptObject { ["email"] = "" });
            if (EmailAddressNormalizer.TryNormalize(text, out var error) is not { } email)
                return AdminEndpoints.Show(pages, "web/admin/readers.html.sbn",
                    new ScriptObject { ["email"] = text, ["error"] = $"{EmailField}: {error}" }, StatusCodes.Status400BadRequest);
            if (subscribers.FindByEmail(email) is not { } reader)
                return AdminEndpoints.Show(pages, "web/admin/readers.html.sbn",
                    new ScriptObject { ["email"] = email, ["not_found"] = true }, StatusCodes.Status404NotFound);
            var model = story.Build(reader);
            model["email"] = email;
            return AdminEndpoints.Show(pages, "web/admin/readers.html.sbn", model);
        });

        MapAction(app, "suppress", (reader, _) => reader.State == SubscriberStates.Confirmed
                ? new Plan($"Suppress {reader.Email}", $"{reader.Email} gets no more digests, and their digests not yet sent are ended as failed. Their own confirmation link, or lifting the suppression here, brings them back.", "Suppress")
                : Plan.Refused($"Suppress {reader.Email}", $"{reader.Email} is {reader.State}; only a confirmed reader can be suppressed."),
            (actions, user, reader, _, _) => actions.Suppress(user, reader));

        MapAction(app, "lift", (reader, _) => reader.State == SubscriberStates.Suppressed
                ? new Plan($"Lift the suppression of {reader.Email}", $"{reader.Email} is confirmed again and gets their next digest at its usual time, with the papers from then on.", "Lift the suppression", AsksReason: true)
                : Plan.Refused($"Lift the suppression of {reader.Email}", $"{reader.Email} is {reader.State}, not suppressed."),
            (actions, user, reader, _, reason) => actions.Lift(user, reader, reason));

        MapAction(app, "delete", (reader, _) =>
                new Plan($"Delete {reader.Email}", $"{reader.Email} and everything stored about them (choices, links, every digest in the ledger, marks) are deleted, as when they press \"delete everything\" themselves. This cannot be undone.", "Delete the reader"),
            (actions, user, reader, _, _) => actions.Delete(user, reader));

        MapAction(app, "resend/{row:long}", (reader, row) => row is null
                ? Plan.Refused("Send a digest again", "That digest is not one of this reader's.")
                : row.State is DeliveryStates.Unknown or DeliveryStates.Failed
                    ? new Plan($"Send {row.PeriodKey} again", $"Digest {row.PeriodKey} to {reader.Email} (now {row.State}, {row.Attempts} attempts) goes back to pending with fresh attempts; the next send delivers it, with the papers frozen in it.", "Send it again")
                    : Plan.Refused($"Send {row.PeriodKey} again", $"Digest {row.PeriodKey} is {row.State}; only unknown or failed digests are sent again."),
            (actions, user, reader, row, _) => row is null ? "Nothing changed: that digest is not one of this reader's." : actions.Resend(user, reader, row));
        return app;
    }

    /// <summary>What an action will do, as its confirmation page says it; <c>Refused</c> plans show no button.</summary>
    private sealed record Plan(string Title, string What, string Button, bool AsksReason = false, bool Allowed = true)
    {
        public static Plan Refused(string title, string why) => new(title, why, "", Allowed: false);
    }

    private delegate string Act(ReaderActions actions, string user, Subscriber reader, DeliveryRow? row, string reason);

    private static void MapAction(WebApplication app, string action, Func<Subscriber, DeliveryRow?, Plan> plan, Act act)
    {
        var pattern = $"{Path}/{{id:long}}/{action}";
        app.MapGet(pattern, (HttpContext http, long id, Pages pages, FormProtection forms, SubscriberStore subscribers, DeliveryStore deliveries) =>
        {
            if (!OperatorAccess.IsGranted(http)) return Results.Unauthorized();
            if (subscribers.Find(id) is not { } reader) return NoSuchReader(pages, id);
            var p = plan(reader, RowOf(http, deliveries, reader));
            return Confirm(pages, http, forms, reader, p, "", StatusCodes.Status200OK);
        });
        app.MapPost(pattern, async (HttpContext http, long id, Pages pages, FormProtection forms, SubscriberStore subscribers,
            DeliveryStore deliveries, ReaderActions actions) =>
        {
            if (!OperatorAccess.IsGranted(http)) return Results.Unauthorized();
            if (subscribers.Find(id) is not { } reader) return NoSuchReader(pages, id);
            var row = RowOf(http, deliveries, reader);
            var p = plan(reader, row);
            if (!await forms.IsValidAsync(http))
                return Confirm(pages, http, forms, reader, p, $"{FormProtection.FieldName}: the form has expired or did not come from this page; nothing changed. Press the button again.", StatusCodes.Status400BadRequest);
            var reason = "";
            if (p.AsksReason)
            {
                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                reason = form[ReasonField].ToString().Trim();
                var problem = reason.Length == 0 ? "say why the suppression is lifted"
                    : reason.Length > ReaderActions.MaxReasonLength ? $"at most {ReaderActions.MaxReasonLength} characters"
                    : reason.Any(char.IsControl) ? "one line, without control characters"
                    : null;
                if (problem is not null)
                    return Confirm(pages, http, forms, reader, p, $"{ReasonField}: {problem}.", StatusCodes.Status400BadRequest, reason);
            }
            var said = act(actions, OperatorAccess.User(http), reader, row, reason);
            // Pages with a form get no-store from antiforgery; this answer has none, so it says so itself.
            http.Response.Headers.CacheControl = "no-store";
            return AdminEndpoints.Show(pages, "web/admin/done.html.sbn", new ScriptObject
            {
                ["title"] = p.Title, ["message"] = said,
                ["back_url"] = action == "delete" ? Path : $"{Path}?{EmailField}={Uri.EscapeDataString(reader.Email)}",
            });
        });
    }

    private static DeliveryRow? RowOf(HttpContext http, DeliveryStore deliveries, Subscriber reader) =>
        http.Request.RouteValues.TryGetValue("row", out var value)
        && long.TryParse(value?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var rowId)
        && deliveries.Find(rowId) is { } row && row.SubscriberId == reader.Id
            ? row
            : null;

    private static IResult Confirm(Pages pages, HttpContext http, FormProtection forms, Subscriber reader, Plan plan, string error, int status, string reason = "") =>
        AdminEndpoints.Show(pages, "web/admin/confirm.html.sbn", new ScriptObject
        {
            ["title"] = plan.Title, ["what"] = plan.What, ["button"] = plan.Button, ["allowed"] = plan.Allowed,
            ["asks_reason"] = plan.AsksReason, ["reason"] = reason, ["reason_field"] = ReasonField, ["max_reason"] = ReaderActions.MaxReasonLength,
            ["error"] = error, ["action"] = http.Request.Path.Value, ["antiforgery"] = forms.Field(http),
            ["back_url"] = $"{Path}?{EmailField}={Uri.EscapeDataString(reader.Email)}",
        }, plan.Allowed || status != StatusCodes.Status200OK ? status : StatusCodes.Status409Conflict);

    private static IResult NoSuchReader(Pages pages, long id) =>
        AdminEndpoints.Show(pages, "web/admin/bad-field.html.sbn",
            new ScriptObject { ["field"] = "reader", ["message"] = $"there is no reader {id} (deleted, or never there)." }, StatusCodes.Status404NotFound);
}
