using System.Globalization;
using Microsoft.Extensions.Options;
using Newsletter.Matching;

namespace Newsletter.Subscriptions;

/// <summary>
/// Checks what a reader (or an import row) asks for, field by field, with messages a reader can act on. Shared by
/// the web forms, the JSON API and the CSV import so that all three accept exactly the same things.
/// </summary>
public sealed class SubscriptionValidator(TopicCatalog topics, IOptions<SubscriptionOptions> options, IOptions<QueryOptions> queries)
{
    /// <summary>Field names, as the form and the API's problem body use them.</summary>
    public const string EmailField = "email", TopicsField = "topics", KeywordsField = "keywords",
        FrequencyField = "frequency", WeekdayField = "weekday", HourField = "hour", TimezoneField = "timezone", OrderField = "order";

    /// <summary>Checks everything a subscription needs: an address, at least one filter and a valid schedule.</summary>
    public SubscriptionValidation Validate(SubscriptionInput input, bool requireEmail = true)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        CheckControlCharacters(input, Add);
        var email = "";
        if (requireEmail && !errors.ContainsKey(EmailField))
        {
            email = EmailAddressNormalizer.TryNormalize(input.Email, out var emailError) ?? "";
            if (emailError is not null) Add(EmailField, emailError);
        }

        var (slugs, keywords) = CheckFilters(input, Add);
        if (slugs.Count == 0 && keywords.Count == 0 && !errors.ContainsKey(TopicsField) && !errors.ContainsKey(KeywordsField))
            Add(TopicsField, "Choose at least one topic or enter a keyword.");

        var frequency = (input.Frequency ?? "daily").Trim().ToLowerInvariant();
        if (frequency.Length == 0) frequency = "daily";
        if (frequency is not ("daily" or "weekly")) Add(FrequencyField, "Choose daily or weekly.");

        var weekday = ParseWeekday(input.Weekday);
        if (weekday is null) Add(WeekdayField, "Choose a day of the week (0 = Sunday … 6 = Saturday, or its name).");

        int? hour = string.IsNullOrWhiteSpace(input.Hour) ? 8
            : int.TryParse(input.Hour.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var h) ? h : null;
        if (hour is null or < 0 or > 23) Add(HourField, "Choose an hour from 0 to 23.");

        var timezone = string.IsNullOrWhiteSpace(input.Timezone) ? "UTC" : input.Timezone.Trim();
        if (!errors.ContainsKey(TimezoneField) && (timezone.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out _)))
            Add(TimezoneField, "Unknown time zone: use a name like Europe/Berlin, America/New_York or UTC.");

        var order = ParseOrder(input.Order);
        if (order is null) Add(OrderField, "Choose trending (most upvoted first) or relevance (best match first).");

        var request = new SubscriptionRequest
        {
            Email = email,
            Topics = slugs,
            Keywords = keywords,
            Frequency = frequency,
            Weekday = weekday ?? 1,
            Hour = hour ?? 8,
            Timezone = timezone,
            Order = order ?? DigestOrders.Trending,
        };
        return new SubscriptionValidation(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), request);
    }

    /// <summary>Checks only topics and keywords (for a preview); an empty set is allowed.</summary>
    public SubscriptionValidation ValidateFilters(SubscriptionInput input)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }
        CheckControlCharacters(input with { Email = null }, Add);
        var (slugs, keywords) = CheckFilters(input, Add);
        var order = ParseOrder(input.Order);
        if (order is null) Add(OrderField, "Choose trending (most upvoted first) or relevance (best match first).");
        return new SubscriptionValidation(
            errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            new SubscriptionRequest { Topics = slugs, Keywords = keywords, Order = order ?? DigestOrders.Trending });
    }

    private (List<string> Slugs, List<string> Keywords) CheckFilters(SubscriptionInput input, Action<string, string> add)
    {
        var limits = options.Value;
        var slugs = new List<string>();
        var unknown = new List<string>();
        foreach (var raw in input.Topics.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (topics.Find(raw) is { } topic) slugs.Add(topic.Slug);
            else unknown.Add(raw.Length > 40 ? raw[..40] + "…" : raw);
        }
        if (unknown.Count > 0) add(TopicsField, $"Unknown topic: {string.Join(", ", unknown.Take(5))}. See GET /api/topics for the list.");
        if (slugs.Count > limits.MaxTopics) add(TopicsField, $"Choose at most {limits.MaxTopics} topics.");

        var keywords = input.Keywords.Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (keywords.Count > limits.MaxKeywords) add(KeywordsField, $"Enter at most {limits.MaxKeywords} keyword queries.");
        foreach (var keyword in keywords.Take(limits.MaxKeywords + 1))
        {
            var shown = keyword.Length > 40 ? keyword[..40] + "…" : keyword;
            if (keyword.Length > limits.MaxKeywordLength)
                add(KeywordsField, $"\"{shown}\" is too long: at most {limits.MaxKeywordLength} characters.");
            else if (keyword.Contains(';'))
                add(KeywordsField, $"\"{shown}\": a keyword query cannot contain ';'.");
            else if (keyword.Any(char.IsControl))
                continue; // already said once for the whole field
            else if (ReaderQuery.Translate(keyword, queries.Value, out var problem) is null)
                add(KeywordsField, $"\"{shown}\" is not a search we can run: {problem}");
        }
        return (slugs, keywords);
    }

    // Line breaks, NUL and other control characters would reach exports, logs and the command line raw; nobody
    // types them on purpose, so every text field refuses them (the form, the API and the CSV import alike).
    private static void CheckControlCharacters(SubscriptionInput input, Action<string, string> add)
    {
        (string Field, IEnumerable<string?> Values)[] fields =
        [
            (EmailField, [input.Email]), (TopicsField, input.Topics), (KeywordsField, input.Keywords), (FrequencyField, [input.Frequency]),
            (WeekdayField, [input.Weekday]), (HourField, [input.Hour]), (TimezoneField, [input.Timezone]), (OrderField, [input.Order]),
        ];
        foreach (var (field, values) in fields)
        {
            if (values.Any(v => v is not null && v.Trim().Any(char.IsControl)))
                add(field, "Remove the control characters (such as a line break, tab or NUL) from this field.");
        }
    }

    private static string? ParseOrder(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return DigestOrders.Trending;
        var order = text.Trim().ToLowerInvariant();
        return order is DigestOrders.Trending or DigestOrders.Relevance ? order : null;
    }

    private static int? ParseWeekday(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 1;
        text = text.Trim();
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            return number is >= 0 and <= 6 ? number : null;
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            var name = day.ToString();
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase) || string.Equals(text, name[..3], StringComparison.OrdinalIgnoreCase))
                return (int)day;
        }
        return null;
    }
}
