namespace Newsletter.Bounces;

/// <summary>
/// What a bounce-mailbox message says, read by <see cref="BounceReportParser"/>: each recipient's fate, and the clues
/// that tie it to a digest (the addresses it was delivered to, the returned message's headers).
/// </summary>
public sealed record BounceReport
{
    /// <summary>The <see cref="Type"/> of an RFC 3464 delivery status notification.</summary>
    public const string DeliveryStatus = "delivery-status";

    /// <summary>The <see cref="Type"/> of an RFC 5965 complaint.</summary>
    public const string FeedbackReport = "feedback-report";

    /// <summary>The <see cref="Type"/> of an automatic reply (an out-of-office, a vacation notice).</summary>
    public const string AutoReply = "auto-reply";

    /// <summary><see cref="DeliveryStatus"/>, <see cref="FeedbackReport"/> or <see cref="AutoReply"/>.</summary>
    public string Type { get; init; } = "";
    public IReadOnlyList<ReportedRecipient> Recipients { get; init; } = [];
    /// <summary>Where the report was delivered (To, Delivered-To, X-Original-To...): a VERP address names the row.</summary>
    public IReadOnlyList<string> EnvelopeAddresses { get; init; } = [];
    /// <summary>The returned message's Message-ID, when the report quotes it.</summary>
    public string? ReturnedMessageId { get; init; }
    /// <summary>The returned message's <c>X-Newsletter-Delivery</c> token, when the report quotes it.</summary>
    public string? ReturnedToken { get; init; }
    /// <summary>The report's own Message-ID, or a hash of its bytes: the same report read twice has the same one.</summary>
    public string Identity { get; init; } = "";
}
