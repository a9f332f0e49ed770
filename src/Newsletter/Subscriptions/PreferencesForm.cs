using System.Globalization;
using Newsletter.Matching;
using Scriban.Runtime;

namespace Newsletter.Subscriptions;

/// <summary>
/// Reads the subscribe and manage forms into <see cref="SubscriptionInput"/> and builds the template model that
/// shows them again: the reader's input, the errors next to each field, and the preview.
/// </summary>
public sealed class PreferencesForm(TopicCatalog topics)
{
    /// <summary>The hidden field bots fill in and people never see.</summary>
    public const string HoneypotField = "website";

    private static readonly string[] TimeZoneIds =
        TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Append("UTC").Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The submitted form as input; the keywords box holds one query per line.</summary>
    public static SubscriptionInput Read(IFormCollection form) => new()
    {
        Email = form["email"].ToString(),
        Topics = form["topics"].Where(t => t is not null).Select(t => t!).ToList(),
        Keywords = form["keywords"].ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
        Frequency = form["frequency"].ToString(),
        Weekday = form["weekday"].ToString(),
        Hour = form["hour"].ToString(),
        Timezone = form["timezone"].ToString(),
        Order = form["order"].ToString(),
    };

    /// <summary>
    /// The subscribe form's starting values with topics and keywords taken from a link's query string
    /// (<c>?topics=a,b&amp;keywords=q</c>, each may repeat). Only as many values are kept as a reader may choose, each
    /// cut to the longest allowed, so a crafted link costs no more than a form.
    /// </summary>
    public static SubscriptionInput Prefill(IQueryCollection query, SubscriptionOptions limits) => SubscriptionInput.Default with
    {
        Topics = query["topics"].SelectMany(t => (t ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Take(limits.MaxTopics).Select(t => t.Length > 100 ? t[..100] : t).ToList(),
        Keywords = query["keywords"].SelectMany(k => (k ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Take(limits.MaxKeywords).Select(k => k.Length > limits.MaxKeywordLength ? k[..limits.MaxKeywordLength] : k).ToList(),
    };

    /// <summary>The form's template model.</summary>
    public ScriptObject Model(
        string action, SubscriptionInput input, IReadOnlyDictionary<string, string[]>? errors, ScriptObject antiforgery,
        PreviewResult? preview, int previewDays, bool autofillTimezone)
    {
        var chosen = input.Topics.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var errorModel = new ScriptObject();
        foreach (var (field, messages) in errors ?? new Dictionary<string, string[]>()) errorModel[field] = string.Join(" ", messages);
        var weekday = input.Weekday ?? "1";
        var hour = input.Hour ?? "8";
        return new ScriptObject
        {
            ["action"] = action,
            ["antiforgery"] = antiforgery,
            ["email"] = input.Email ?? "",
            ["topics"] = topics.All.Select(t => new ScriptObject
            {
                ["slug"] = t.Slug, ["name"] = t.Name, ["description"] = t.Description, ["checked"] = chosen.Contains(t.Slug),
            }).ToList(),
            ["keywords"] = string.Join("\n", input.Keywords),
            ["frequency"] = string.IsNullOrWhiteSpace(input.Frequency) ? "daily" : input.Frequency.Trim().ToLowerInvariant(),
            ["weekdays"] = Enum.GetValues<DayOfWeek>().Select(d => new ScriptObject
            {
                ["value"] = (int)d, ["name"] = d.ToString(), ["selected"] = weekday == ((int)d).ToString(CultureInfo.InvariantCulture),
            }).ToList(),
            ["hours"] = Enumerable.Range(0, 24).Select(h => new ScriptObject
            {
                ["value"] = h, ["label"] = $"{h:00}:00", ["selected"] = hour.Trim() == h.ToString(CultureInfo.InvariantCulture),
            }).ToList(),
            ["timezone"] = input.Timezone ?? "UTC",
            ["order"] = string.IsNullOrWhiteSpace(input.Order) ? DigestOrders.Trending : input.Order.Trim().ToLowerInvariant(),
            ["timezones"] = TimeZoneIds,
            ["autofill_timezone"] = autofillTimezone,
            ["errors"] = errorModel,
            ["has_errors"] = errorModel.Count > 0,
            ["preview"] = preview is null ? null : PreviewModel(preview, previewDays),
            ["preview_days"] = previewDays,
        };
    }

    private static ScriptObject PreviewModel(PreviewResult preview, int days) => new()
    {
        ["count"] = preview.Count,
        ["days"] = days,
        ["papers"] = preview.Papers.Select(p => new ScriptObject
        {
            ["title"] = p.Title, ["url"] = p.Url, ["matched_by"] = string.Join(", ", p.MatchedBy),
        }).ToList(),
    };
}
