using MimeKit;
using Newsletter.Delivery;

namespace Newsletter.Bounces;

/// <summary>
/// Reads a message from the bounce address with MimeKit: an RFC 3464 delivery status notification
/// (<c>multipart/report</c> with <c>message/delivery-status</c>), an RFC 5965 complaint (<c>message/feedback-report</c>),
/// or an automatic reply. Anything else is not a report (null): it is kept for the operator, never guessed at.
/// </summary>
public static class BounceReportParser
{
    private static readonly string[] EnvelopeHeaders = ["Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To"];

    /// <summary>The report the message holds, or null when it is neither a report nor an automatic reply.</summary>
    public static BounceReport? Parse(MimeMessage message, string identity)
    {
        var status = message.BodyParts.OfType<MessageDeliveryStatus>().FirstOrDefault();
        var feedback = message.BodyParts.OfType<MessageFeedbackReport>().FirstOrDefault();
        var returned = message.BodyParts.OfType<MessagePart>().Select(p => p.Message).FirstOrDefault(m => m is not null);
        var basis = new BounceReport
        {
            EnvelopeAddresses = Envelope(message),
            ReturnedMessageId = returned?.MessageId,
            ReturnedToken = returned?.Headers[BounceAddress.HeaderName],
            Identity = string.IsNullOrWhiteSpace(message.MessageId) ? identity : "mid:" + message.MessageId,
        };
        if (status is not null) return basis with { Type = BounceReport.DeliveryStatus, Recipients = Recipients(status) };
        if (feedback is not null) return basis with { Type = BounceReport.FeedbackReport, Recipients = [Complaint(feedback)] };
        if (IsAutoReply(message))
            return basis with { Type = BounceReport.AutoReply, Recipients = [new ReportedRecipient(BounceKinds.AutoReply, message.From.Mailboxes.FirstOrDefault()?.Address, null, message.Subject, null)] };
        return null;
    }

    private static List<ReportedRecipient> Recipients(MessageDeliveryStatus status)
    {
        var groups = status.StatusGroups;
        var recipients = new List<ReportedRecipient>();
        // The first group is about the message (Reporting-MTA, Arrival-Date); each later one is about one recipient.
        for (var i = 1; i < groups.Count && recipients.Count < 100; i++)
        {
            var group = groups[i];
            var action = group["Action"];
            var code = BounceKinds.StatusCode(group["Status"]) ?? BounceKinds.StatusCode(Value(group["Diagnostic-Code"]));
            recipients.Add(new ReportedRecipient(
                BounceKinds.FromReport(action, code),
                Address(group["Final-Recipient"]) ?? Address(group["Original-Recipient"]),
                code,
                Value(group["Diagnostic-Code"]) ?? action,
                Value(group["Remote-MTA"])));
        }
        if (recipients.Count == 0) throw new FormatException("a delivery status report without a recipient");
        return recipients;
    }

    private static ReportedRecipient Complaint(MessageFeedbackReport report)
    {
        var fields = report.Fields;
        var type = fields["Feedback-Type"]?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(type)) throw new FormatException("a feedback report without a Feedback-Type");
        // Only abuse is the reader saying "spam"; not-spam, fraud, virus and the rest are about something else.
        var kind = type == "abuse" ? BounceKinds.Complaint : BounceKinds.Notice;
        var address = Address(fields["Original-Rcpt-To"]) ?? Address(fields["Removal-Recipient"]);
        return new ReportedRecipient(kind, address, null, $"feedback {type}" + (fields["User-Agent"] is { } agent ? $" from {agent.Trim()}" : ""),
            fields["Reporting-MTA"] is { } mta ? Value(mta) : null);
    }

    // Vacation and out-of-office replies (RFC 3834 Auto-Submitted, and the headers common responders set instead).
    private static bool IsAutoReply(MimeMessage message)
    {
        var submitted = message.Headers["Auto-Submitted"];
        if (!string.IsNullOrWhiteSpace(submitted) && !submitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase)) return true;
        if (message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond")) return true;
        var precedence = message.Headers["Precedence"]?.Trim();
        return string.Equals(precedence, "auto_reply", StringComparison.OrdinalIgnoreCase);
    }

    private static List<string> Envelope(MimeMessage message)
    {
        var addresses = new List<string>();
        foreach (var name in EnvelopeHeaders)
        {
            foreach (var header in message.Headers.Where(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)).Take(10))
            {
                if (InternetAddressList.TryParse(header.Value, out var list))
                    addresses.AddRange(list.Mailboxes.Select(m => m.Address));
                else
                    addresses.Add(header.Value.Trim().Trim('<', '>'));
            }
        }
        return addresses.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The address of a typed field: <c>rfc822; reader@example.org</c> → <c>reader@example.org</c>.</summary>
    private static string? Address(string? field)
    {
        var value = Value(field)?.Trim().Trim('<', '>');
        return string.IsNullOrEmpty(value) || !value.Contains('@') ? null : value;
    }

    /// <summary>The text after a field's type (<c>smtp; 550 ...</c> → <c>550 ...</c>), unfolded.</summary>
    private static string? Value(string? field)
    {
        if (string.IsNullOrWhiteSpace(field)) return null;
        // Folded lines arrive unfolded but with their indentation: one space between words, as the server wrote them.
        var text = string.Join(' ', field.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
        var semicolon = text.IndexOf(';');
        return (semicolon >= 0 ? text[(semicolon + 1)..] : text).Trim();
    }
}
