using Microsoft.Extensions.Options;

namespace Newsletter.Bounces;

/// <summary>Checks the Bounces section's ways in at start, naming the key at fault.</summary>
public sealed class BounceOptionsValidator : IValidateOptions<BounceOptions>
{
    private static readonly string[] Protocols = ["imap", "pop3"];
    private static readonly string[] SecurityModes = ["none", "starttls", "ssl"];

    public ValidateOptionsResult Validate(string? name, BounceOptions options)
    {
        const string s = BounceOptions.Section;
        var failures = new List<string>();
        // Hangfire reads the expression when the job is registered; catch the obvious mistakes here, with the key.
        var fields = (options.Cron ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 5 or > 6 || fields.Any(f => f.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('*' or '/' or ',' or '-' or '?' or 'L' or 'W' or '#'))))
            failures.Add($"{s}:Cron: '{options.Cron}' is not a cron expression of 5 or 6 fields");
        var m = options.Mailbox;
        if (!Protocols.Contains(m.Protocol, StringComparer.OrdinalIgnoreCase))
            failures.Add($"{s}:Mailbox:Protocol: '{m.Protocol}' is not imap or pop3");
        if (!SecurityModes.Contains(m.Security, StringComparer.OrdinalIgnoreCase))
            failures.Add($"{s}:Mailbox:Security: '{m.Security}' is not none, starttls or ssl");
        if (m.Port is < 0 or > 65535) failures.Add($"{s}:Mailbox:Port: {m.Port} is not a port (0 picks the usual one)");
        if (m.MaxMessagesPerPoll is < 1 or > 100_000) failures.Add($"{s}:Mailbox:MaxMessagesPerPoll: {m.MaxMessagesPerPoll} is not between 1 and 100000");
        if (m.TimeoutSeconds is < 1 or > 3600) failures.Add($"{s}:Mailbox:TimeoutSeconds: {m.TimeoutSeconds} is not between 1 and 3600");
        if (m.Enabled && string.IsNullOrWhiteSpace(m.User)) failures.Add($"{s}:Mailbox:User: needed when Bounces:Mailbox:Host is set");
        if (m.Enabled && string.IsNullOrWhiteSpace(m.Folder)) failures.Add($"{s}:Mailbox:Folder: must name a folder (INBOX)");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
