using System.Globalization;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Scriban.Runtime;

namespace Newsletter.Admin;

/// <summary>One reader's whole story for <c>/admin/readers</c>: who they are, what they asked for, every digest and every bounce.</summary>
public sealed class ReaderStory(
    SubscriberStore subscribers,
    AdminLedgerStore ledger,
    BounceStore bounces,
    DigestArchive archive,
    TopicCatalog topics)
{
    /// <summary>Most digests one page lists (a year of daily digests), newest first.</summary>
    public const int MaxDigests = 400;

    /// <summary>The page's model for <paramref name="reader"/>.</summary>
    public ScriptObject Build(Subscriber reader)
    {
        var rows = ledger.ForReader(reader.Id, MaxDigests + 1);
        var shown = rows.Take(MaxDigests).ToList();
        var items = shown.ToDictionary(r => r.Id, r => Papers(r.ItemsJson));
        var titles = ledger.PaperTitles(items.Values.SelectMany(i => i.Select(p => p.Paper)).Distinct().ToList());
        var byRow = bounces.ForDeliveries(shown.Select(r => r.Id).ToList());
        var filters = subscribers.Filters(reader.Id);
        var id = reader.Id.ToString(CultureInfo.InvariantCulture);
        return new ScriptObject
        {
            ["reader"] = new ScriptObject
            {
                ["id"] = id,
                ["email"] = reader.Email,
                ["state"] = reader.State,
                ["state_reason"] = reader.StateReason ?? "",
                ["schedule"] = reader.Frequency == "weekly"
                    ? $"weekly on {(DayOfWeek)reader.Weekday} at {reader.Hour:00}:00"
                    : $"daily at {reader.Hour:00}:00",
                ["timezone"] = reader.Timezone,
                ["order"] = reader.DigestOrder,
                ["created_at"] = Time(reader.CreatedAt),
                ["confirmed_at"] = reader.ConfirmedAt is { } c ? Time(c) : "never",
                ["next_due_at"] = reader.NextDueAt is { } n ? Time(n) : "none",
                ["confirmed"] = reader.State == SubscriberStates.Confirmed,
                ["suppressed"] = reader.State == SubscriberStates.Suppressed,
            },
            ["topics"] = filters.Where(f => f.Kind == SubscriberFilter.Topic)
                .Select(f => topics.Find(f.Value)?.Name ?? f.Value).ToList(),
            ["keywords"] = filters.Where(f => f.Kind == SubscriberFilter.Keyword).Select(f => f.Value).ToList(),
            ["digests"] = shown.Select(r => new ScriptObject
            {
                ["id"] = r.Id,
                ["period"] = r.PeriodKey,
                ["state"] = r.State,
                ["attempts"] = r.Attempts,
                ["planned_at"] = Time(r.CreatedAt),
                ["sent_at"] = r.SentAt is { } s ? Time(s) : "",
                ["reply"] = r.ServerReply ?? r.LastError ?? "",
                ["papers"] = items[r.Id].Select(p => titles.GetValueOrDefault(p.Paper) ?? $"paper {p.Paper} (no longer stored)").ToList(),
                ["archive_url"] = "/digests/" + archive.Token(r.Id),
                ["bounces"] = byRow[r.Id].Count(),
                ["can_resend"] = r.State is DeliveryStates.Unknown or DeliveryStates.Failed,
            }).ToList(),
            ["more_digests"] = rows.Count > MaxDigests,
            ["max_digests"] = MaxDigests,
            ["bounces"] = bounces.ForSubscriber(reader.Id).OrderByDescending(e => e.Id).Select(e => new ScriptObject
            {
                ["received_at"] = Time(e.ReceivedAt),
                ["kind"] = e.Kind,
                ["source"] = e.Source,
                ["matched_by"] = e.MatchedBy,
                ["detail"] = string.Join(" ", new[] { e.Status, e.Diagnostic }.Where(t => !string.IsNullOrWhiteSpace(t))),
                ["period"] = e.DeliveryId is { } d ? shown.FirstOrDefault(r => r.Id == d)?.PeriodKey ?? $"row {d}" : "",
            }).ToList(),
        };
    }

    // A row whose frozen papers cannot be read still shows the rest of its story.
    private static IReadOnlyList<DigestItem> Papers(string itemsJson)
    {
        try
        {
            return FrozenItems.Read(itemsJson);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            return [];
        }
    }

    /// <summary>A time as the operator pages show it.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
