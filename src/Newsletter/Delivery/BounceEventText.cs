using System.Globalization;

namespace Newsletter.Delivery;

/// <summary>One bounce event as one line for the operator (<c>bounces</c>, <c>deliveries</c>).</summary>
public static class BounceEventText
{
    public static string Line(BounceEvent e)
    {
        var when = e.ReceivedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var who = e.Email ?? e.Recipient ?? "?";
        var row = e.DeliveryId is { } id ? $" digest #{id}" : "";
        var match = e.MatchedBy == BounceMatches.None ? "unmatched" : "by " + e.MatchedBy;
        var status = string.IsNullOrEmpty(e.Status) ? "" : " " + e.Status;
        return $"{when} {e.Kind}{status} {who}{row} ({e.Source}, {match}): {(e.Diagnostic ?? "").ReplaceLineEndings(" ")}";
    }
}
