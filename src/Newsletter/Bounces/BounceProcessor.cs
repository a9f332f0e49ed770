using System.Globalization;
using System.Security.Cryptography;
using MimeKit;
using Newsletter.Delivery;

namespace Newsletter.Bounces;

/// <summary>
/// One message from the bounce address (a mailbox, an MTA pipe, a file) to recorded events: parse, match each
/// recipient, record through the policy. A message that is not a report is recorded as <c>unparsed</c> (once per
/// content) and said so; the caller keeps it.
/// </summary>
public sealed class BounceProcessor(BounceMatcher matcher, BouncePolicy policy, TimeProvider clock)
{
    /// <summary>Largest message read; a report with the whole digest attached is far below it.</summary>
    public const int MaxMessageBytes = 10 * 1024 * 1024;

    /// <summary>Reads a message (at most <see cref="MaxMessageBytes"/>) from a stream and processes it.</summary>
    public async Task<ProcessedMessage> ProcessAsync(Stream stream, string source, string label, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxMessageBytes)
                return Unparsed(SHA256.HashData(buffer.ToArray()), source, label, $"larger than {MaxMessageBytes / 1024 / 1024} MiB");
            buffer.Write(chunk, 0, read);
        }
        return Process(buffer.ToArray(), source, label);
    }

    /// <summary>Processes one message's bytes.</summary>
    public ProcessedMessage Process(byte[] bytes, string source, string label)
    {
        var hash = SHA256.HashData(bytes);
        if (bytes.Length == 0) return Unparsed(hash, source, label, "empty");
        BounceReport? report;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var message = MimeMessage.Load(stream);
            report = BounceReportParser.Parse(message, "sha256:" + Convert.ToHexStringLower(hash));
        }
        catch (FormatException e)
        {
            return Unparsed(hash, source, label, e.Message);
        }
        if (report is null) return Unparsed(hash, source, label, "not a delivery status report, a complaint or an automatic reply");

        var outcomes = new List<BounceOutcome>();
        var parts = new List<string>();
        for (var i = 0; i < report.Recipients.Count; i++)
        {
            var recipient = report.Recipients[i];
            var match = matcher.Match(report, recipient.Address);
            var outcome = policy.Record(new BounceEvent
            {
                SubscriberId = match.SubscriberId, DeliveryId = match.DeliveryId, Kind = recipient.Kind, Status = recipient.Status,
                Diagnostic = recipient.Diagnostic, Recipient = recipient.Address, RemoteMta = recipient.RemoteMta, Source = source,
                MatchedBy = match.MatchedBy,
                // One report, one row per recipient: the same report read again (re-polled, piped twice) is a repeat.
                DedupeKey = $"{report.Identity}#{i.ToString(CultureInfo.InvariantCulture)}",
                ReceivedAt = clock.GetUtcNow(),
            });
            outcomes.Add(outcome);
            parts.Add(Describe(outcome));
        }
        return new ProcessedMessage(true, $"{label}: {report.Type}: {string.Join("; ", parts)}", outcomes);
    }

    private static string Describe(BounceOutcome outcome)
    {
        var e = outcome.Event;
        var about = e.MatchedBy == BounceMatches.None
            ? "unmatched"
            : (e.DeliveryId is { } row ? $"digest #{row}, " : "") + $"matched by {e.MatchedBy}"
              + (BounceMatches.Proves(e.MatchedBy) ? "" : ", unproven");
        var what = string.Join(" ", new[] { e.Kind, e.Status, e.Recipient }.Where(t => !string.IsNullOrEmpty(t)));
        var change = !outcome.Recorded ? "already recorded" : outcome.Change is { } c ? "reader " + c : "no change";
        return $"{what} ({about}): {change}";
    }

    private ProcessedMessage Unparsed(byte[] hash, string source, string label, string why)
    {
        var outcome = policy.Record(new BounceEvent
        {
            Kind = BounceKinds.Unparsed, Diagnostic = why, Source = source, MatchedBy = BounceMatches.None,
            DedupeKey = "unparsed:sha256:" + Convert.ToHexStringLower(hash), ReceivedAt = clock.GetUtcNow(),
        });
        return new ProcessedMessage(false, $"{label}: cannot read: {why}", [outcome]);
    }
}
