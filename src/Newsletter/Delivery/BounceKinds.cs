namespace Newsletter.Delivery;

/// <summary>What a bounce event says about a reader, and how a delivery status report's action and code map to it.</summary>
public static class BounceKinds
{
    /// <summary>A permanent failure about the recipient (5.x.x other than 5.7.x, a provider's permanent bounce).</summary>
    public const string Hard = "hard";
    /// <summary>A temporary failure the relay gave up on, or a delay.</summary>
    public const string Soft = "soft";
    /// <summary>The reader marked a digest as spam (ARF or a provider's complaint event).</summary>
    public const string Complaint = "complaint";
    /// <summary>A policy refusal (5.7.x): about us, not the reader, so it does not count against them.</summary>
    public const string Blocked = "blocked";
    /// <summary>A report that changes nothing: delivered, relayed, expanded.</summary>
    public const string Notice = "notice";
    /// <summary>A vacation or other automatic reply, not a report.</summary>
    public const string AutoReply = "auto-reply";
    /// <summary>A message that could not be read as a report; kept for the operator.</summary>
    public const string Unparsed = "unparsed";

    /// <summary>
    /// The kind for an RFC 3464 action and status code (<c>5.1.1</c>, or an SMTP reply that starts with one):
    /// failed with 5.7.x is blocked, other 5.x.x hard, 4.x.x (the relay gave up) soft; delayed is soft; the rest notices.
    /// </summary>
    public static string FromReport(string? action, string? status)
    {
        var code = StatusCode(status);
        switch (action?.Trim().ToLowerInvariant())
        {
            case "delayed":
                return Soft;
            case "delivered" or "relayed" or "expanded":
                return Notice;
        }
        if (code is null) return action is null ? Hard : Soft;
        if (code.StartsWith("5.7.", StringComparison.Ordinal)) return Blocked;
        return code[0] == '5' ? Hard : Soft;
    }

    /// <summary>The enhanced status code (<c>5.1.1</c>) at the start of a status or an SMTP reply, or null.</summary>
    public static string? StatusCode(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        foreach (var word in text.Split([' ', '\t', '\r', '\n', ';', '(', ')'], StringSplitOptions.RemoveEmptyEntries).Take(4))
        {
            var parts = word.TrimEnd('.', ',').Split('.');
            if (parts.Length == 3 && parts[0] is "2" or "4" or "5"
                && parts.Skip(1).All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)))
                return string.Join('.', parts);
        }
        // A bare SMTP reply code: 550 → 5.0.0, 450 → 4.0.0.
        var first = text.TrimStart();
        if (first.Length >= 3 && first[0] is '4' or '5' && char.IsAsciiDigit(first[1]) && char.IsAsciiDigit(first[2])
            && (first.Length == 3 || !char.IsAsciiDigit(first[3])))
            return $"{first[0]}.0.0";
        return null;
    }
}
