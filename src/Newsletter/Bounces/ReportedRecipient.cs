namespace Newsletter.Bounces;

/// <summary>One recipient's fate as a report states it (an RFC 3464 per-recipient group, an ARF report, a provider event).</summary>
/// <param name="Kind">What it means for the reader: a <see cref="Delivery.BounceKinds"/> value.</param>
public sealed record ReportedRecipient(string Kind, string? Address, string? Status, string? Diagnostic, string? RemoteMta);
