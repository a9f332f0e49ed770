namespace Newsletter.Bounces;

/// <summary>What one poll of the bounce mailbox did: a line per message, counts, and the error that stopped it, if any.</summary>
public sealed record MailboxPoll(IReadOnlyList<string> Lines, int Read, int Unread, int Left, string? Error, string Where)
{
    public string Summary => Error is not null
        ? $"{Where}: {Error}; {Read} read before it stopped, nothing else changed"
        : $"{Where}: {Read} read, {Unread} could not be read (kept)" + (Left > 0 ? $", {Left} left for the next poll" : "");
}
