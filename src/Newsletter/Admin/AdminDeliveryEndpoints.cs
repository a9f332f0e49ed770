using System.Globalization;
using Newsletter.Digests;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Admin;

/// <summary>
/// <c>/admin/deliveries</c>: one planning day's ledger rows in one state, a page at a time, and sending that day's
/// unknown or failed rows again in bulk (a GET that says how many, a POST with an antiforgery token that does it).
/// </summary>
public static class AdminDeliveryEndpoints
{
    /// <summary>Where the deliveries page lives.</summary>
    public const string Path = AdminEndpoints.Path + "/deliveries";

    /// <summary>Rows one page lists.</summary>
    public const int PageSize = 100;

    /// <summary>Every state a ledger row can be in, in the order the filter offers them.</summary>
    public static readonly string[] States =
    [
        DeliveryStates.Failed, DeliveryStates.Unknown, DeliveryStates.Retry, DeliveryStates.Pending, DeliveryStates.Sending, DeliveryStates.Sent,
    ];

    /// <summary>Maps the deliveries page and its bulk resend.</summary>
    public static WebApplication MapAdminDeliveries(this WebApplication app)
    {
        app.MapGet(Path, DeliveriesPage);
        app.MapGet(Path + "/resend", ConfirmResendPage);
        app.MapPost(Path + "/resend", ResendAsync);
        return app;
    }

    /// <summary>The day's rows in one state, newest first, a page at a time (<c>before</c>: the last row of the page before).</summary>
    private static IResult DeliveriesPage(HttpContext http, Pages pages, AdminLedgerStore ledger, TimeProvider clock)
    {
        if (!OperatorAccess.IsGranted(http)) return Results.Unauthorized();
        http.Response.Headers.CacheControl = "no-store";
        if (Read(http, clock, resending: false, out var problem) is not { } filter) return Bad(pages, problem.Field, problem.Message);
        long? below = null;
        if (http.Request.Query["before"].FirstOrDefault() is { } text)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                return Bad(pages, "before", "before must be a row number from the \"older rows\" link.");
            below = id;
        }
        var rows = ledger.Planned(filter.From, filter.From.AddDays(1), filter.State, below, PageSize + 1);
        var shown = rows.Take(PageSize).ToList();
        var counts = ledger.DayStates(filter.Day);
        var model = Model(filter, clock);
        model["counts"] = States.Select(s => new ScriptObject
        {
            ["state"] = s, ["count"] = counts.GetValueOrDefault(s).ToString("#,0", CultureInfo.InvariantCulture),
            ["url"] = Url(filter.Day, s), ["current"] = s == filter.State,
        }).ToList();
        model["rows"] = shown.Select(r => new ScriptObject
        {
            ["id"] = r.Id, ["email"] = r.Email, ["period"] = r.PeriodKey, ["attempts"] = r.Attempts,
            ["planned_at"] = ReaderStory.Time(r.CreatedAt), ["reply"] = r.ServerReply ?? r.LastError ?? "",
            ["reader_url"] = $"{AdminReaderEndpoints.Path}?{AdminReaderEndpoints.EmailField}={Uri.EscapeDataString(r.Email)}",
        }).ToList();
        model["older_url"] = rows.Count > PageSize ? Url(filter.Day, filter.State) + $"&before={shown[^1].Id}" : "";
        model["first_page"] = below is null;
        model["can_resend"] = filter.State is DeliveryStates.Unknown or DeliveryStates.Failed && counts.GetValueOrDefault(filter.State) > 0;
        model["resend_url"] = $"{Path}/resend?day={filter.Day}&state={filter.State}";
        return AdminEndpoints.Show(pages, "web/admin/deliveries.html.sbn", model);
    }

    /// <summary>Says how many rows a bulk resend would send again, with the form that does it.</summary>
    private static IResult ConfirmResendPage(HttpContext http, Pages pages, FormProtection forms, AdminLedgerStore ledger, TimeProvider clock)
    {
        if (!OperatorAccess.IsGranted(http)) return Results.Unauthorized();
        if (Read(http, clock, resending: true, out var problem) is not { } filter) return Bad(pages, problem.Field, problem.Message);
        var count = ledger.DayStates(filter.Day).GetValueOrDefault(filter.State);
        return ConfirmResend(pages, http, forms, filter, count, "", StatusCodes.Status200OK);
    }

    /// <summary>Sends the day's unknown or failed rows again, through the <c>resend</c> verb's rules.</summary>
    private static async Task<IResult> ResendAsync(HttpContext http, Pages pages, FormProtection forms, AdminLedgerStore ledger, ReaderActions actions,
        TimeProvider clock)
    {
        if (!OperatorAccess.IsGranted(http)) return Results.Unauthorized();
        if (Read(http, clock, resending: true, out var problem) is not { } filter) return Bad(pages, problem.Field, problem.Message);
        if (!await forms.IsValidAsync(http))
            return ConfirmResend(pages, http, forms, filter, ledger.DayStates(filter.Day).GetValueOrDefault(filter.State),
                $"{FormProtection.FieldName}: the form has expired or did not come from this page; nothing changed. Press the button again.",
                StatusCodes.Status400BadRequest);
        var said = actions.ResendDay(OperatorAccess.User(http), filter.State, filter.From);
        // Pages with a form get no-store from antiforgery; this answer has none, so it says so itself.
        http.Response.Headers.CacheControl = "no-store";
        return AdminEndpoints.Show(pages, "web/admin/done.html.sbn", new ScriptObject
        {
            ["title"] = $"Send the {filter.State} digests of {filter.Day} again", ["message"] = said, ["back_url"] = Url(filter.Day, filter.State),
        });
    }

    private sealed record Filter(string Day, DateTimeOffset From, string State);

    /// <summary>
    /// The day and state asked for (today and failed by default), or null with the field and what is wrong with it
    /// when either is not one the page knows (a bulk resend takes only unknown or failed).
    /// </summary>
    private static Filter? Read(HttpContext http, TimeProvider clock, bool resending, out (string Field, string Message) problem)
    {
        problem = default;
        var dayText = http.Request.Query["day"].FirstOrDefault() ?? Today(clock);
        var state = http.Request.Query["state"].FirstOrDefault() ?? DeliveryStates.Failed;
        if (!DateOnly.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            problem = ("day", "day must be a date such as 2026-11-24 (UTC).");
        else if (resending && state is not (DeliveryStates.Unknown or DeliveryStates.Failed))
            problem = ("state", "only unknown or failed digests are sent again.");
        else if (!States.Contains(state))
            problem = ("state", $"state must be one of {string.Join(", ", States)}.");
        else
            return new Filter(dayText, new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), state);
        return null;
    }

    private static IResult Bad(Pages pages, string field, string message) =>
        AdminEndpoints.Show(pages, "web/admin/bad-field.html.sbn", new ScriptObject { ["field"] = field, ["message"] = message }, StatusCodes.Status400BadRequest);

    private static ScriptObject Model(Filter filter, TimeProvider clock) => new()
    {
        ["day"] = filter.Day, ["state"] = filter.State, ["states"] = States, ["today"] = Today(clock),
        ["previous_day_url"] = Url(Day(filter.From.AddDays(-1)), filter.State),
        ["next_day_url"] = Url(Day(filter.From.AddDays(1)), filter.State),
    };

    private static IResult ConfirmResend(Pages pages, HttpContext http, FormProtection forms, Filter filter, long count, string error, int status) =>
        AdminEndpoints.Show(pages, "web/admin/confirm.html.sbn", new ScriptObject
        {
            ["title"] = $"Send the {filter.State} digests of {filter.Day} again",
            ["what"] = $"The {count:#,0} {filter.State} digests planned on {filter.Day} go back to pending with fresh attempts, for readers still confirmed (the others stay {filter.State}); the next send delivers them with the papers frozen in them.",
            ["button"] = "Send them again", ["allowed"] = count > 0, ["asks_reason"] = false, ["error"] = error,
            ["action"] = $"{Path}/resend?day={filter.Day}&state={filter.State}", ["antiforgery"] = forms.Field(http),
            ["back_url"] = Url(filter.Day, filter.State),
        }, count > 0 || status != StatusCodes.Status200OK ? status : StatusCodes.Status409Conflict);

    private static string Url(string day, string state) => $"{Path}?day={day}&state={state}";

    private static string Today(TimeProvider clock) => Day(clock.GetUtcNow());

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
