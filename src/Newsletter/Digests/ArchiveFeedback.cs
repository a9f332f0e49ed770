using System.Text.Json;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// Who a "more / less like this" link of a digest's "view in browser" copy marks for. That copy is made to be
/// shared, so its links carry the archive token instead of the reader's manage token: they can mark only the papers
/// of that one delivery, only for its reader, and only while that reader still receives digests.
/// </summary>
public sealed class ArchiveFeedback(DigestArchive archive, DeliveryStore deliveries, SubscriberStore subscribers)
{
    /// <summary>The scope of these links: <c>/digests/{archive token}/more/{paper}</c>, beside the copy itself.</summary>
    public const string Scope = "digests";

    /// <summary>
    /// The reader a copy's links mark for, or null: a copy whose reader unsubscribed, was suppressed or was deleted
    /// takes no marks (its papers show no buttons, and a link kept from before is an unknown link).
    /// </summary>
    public static long? Marker(Subscriber? reader) => reader?.State == SubscriberStates.Confirmed ? reader.Id : null;

    /// <summary>The reader the archive token lets mark this paper, or null for a forged token or a paper not in that digest.</summary>
    public long? ReaderFor(string token, long paperId)
    {
        if (archive.Find(token) is not { } id || deliveries.Find(id) is not { } row) return null;
        try
        {
            if (!DeliveryStore.Items(row).Any(i => i.Paper == paperId)) return null;
        }
        // A row whose frozen papers cannot be read has none that could be marked.
        catch (Exception e) when (e is JsonException or FormatException) { return null; }
        return Marker(subscribers.Find(row.SubscriberId));
    }
}
