using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using Newsletter.Delivery;

namespace Newsletter.Bounces;

/// <summary>
/// Polls the bounce mailbox (<c>Bounces:Mailbox</c>) over IMAP or POP3. Each message is processed and its events
/// committed before it is moved to <c>DoneFolder</c> or deleted, so a crash at any point loses nothing (a message
/// read twice counts once). A message that cannot be read is kept: on IMAP it is flagged and skipped by later
/// polls; on POP3 it stays and is read again, recorded once.
/// </summary>
public sealed class BounceMailbox(IOptions<BounceOptions> options, BounceProcessor processor, ILogger<BounceMailbox> logger)
{
    /// <summary>Whether a mailbox is configured.</summary>
    public bool Enabled => options.Value.Mailbox.Enabled;

    /// <summary>Reads and processes what is in the mailbox now.</summary>
    public async Task<MailboxPoll> PollAsync(CancellationToken cancellationToken)
    {
        var m = options.Value.Mailbox;
        var where = $"{m.Protocol.ToLowerInvariant()}://{m.User}@{m.Host}:{m.EffectivePort}" +
                    (IsPop3(m) ? "" : "/" + m.Folder);
        if (!m.Enabled) return new MailboxPoll([], 0, 0, 0, "no mailbox is configured (set Bounces:Mailbox:Host)", "bounce mailbox");
        var lines = new List<string>();
        var counts = new Counts();
        try
        {
            if (IsPop3(m)) await PollPop3Async(m, lines, counts, cancellationToken);
            else await PollImapAsync(m, lines, counts, cancellationToken);
            var poll = new MailboxPoll(lines, counts.Read, counts.Unread, counts.Left, null, where);
            if (counts.Read + counts.Unread > 0) logger.LogInformation("Bounce mailbox {Summary}", poll.Summary);
            return poll;
        }
        catch (AuthenticationException e)
        {
            return Failed(lines, counts, $"the server refused the login ({e.Message})", where);
        }
        catch (Exception e) when (e is SocketException or IOException or ImapProtocolException or Pop3ProtocolException
                                        or ImapCommandException or Pop3CommandException or SslHandshakeException
                                        or FolderNotFoundException or ServiceNotConnectedException or TimeoutException)
        {
            return Failed(lines, counts, e.Message.ReplaceLineEndings(" "), where);
        }
    }

    private MailboxPoll Failed(List<string> lines, Counts counts, string error, string where)
    {
        var poll = new MailboxPoll(lines, counts.Read, counts.Unread, counts.Left, error, where);
        logger.LogWarning("Bounce mailbox {Summary}", poll.Summary);
        return poll;
    }

    private static bool IsPop3(MailboxOptions m) => m.Protocol.Equals("pop3", StringComparison.OrdinalIgnoreCase);

    private static SecureSocketOptions Security(MailboxOptions m) => m.Security.ToLowerInvariant() switch
    {
        "ssl" => SecureSocketOptions.SslOnConnect,
        "starttls" => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    private async Task PollImapAsync(MailboxOptions m, List<string> lines, Counts counts, CancellationToken cancellationToken)
    {
        using var client = new ImapClient { Timeout = m.TimeoutSeconds * 1000 };
        await client.ConnectAsync(m.Host, m.EffectivePort, Security(m), cancellationToken);
        await client.AuthenticateAsync(m.User, m.Password, cancellationToken);
        var folder = await client.GetFolderAsync(m.Folder, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var done = string.IsNullOrWhiteSpace(m.DoneFolder) ? null : await client.GetFolderAsync(m.DoneFolder, cancellationToken);
        // Messages that could not be read were flagged by an earlier poll and stay for the operator.
        var uids = await folder.SearchAsync(SearchQuery.NotFlagged, cancellationToken);
        counts.Left = Math.Max(0, uids.Count - m.MaxMessagesPerPoll);
        var batch = uids.Take(m.MaxMessagesPerPoll).ToList();
        var sizes = batch.Count == 0 ? [] : (await folder.FetchAsync(batch, MessageSummaryItems.Size | MessageSummaryItems.UniqueId, cancellationToken))
            .ToDictionary(s => s.UniqueId, s => s.Size ?? 0);
        var processed = new List<UniqueId>();
        foreach (var uid in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var label = $"uid {uid.Id}";
            ProcessedMessage result;
            if (sizes.GetValueOrDefault(uid) > BounceProcessor.MaxMessageBytes)
            {
                result = processor.Process([], BounceSources.Mailbox, label + $" ({sizes[uid]} bytes, too large)");
            }
            else
            {
                await using var stream = await folder.GetStreamAsync(uid, cancellationToken);
                result = await processor.ProcessAsync(stream, BounceSources.Mailbox, label, cancellationToken);
            }
            lines.Add(result.Line);
            if (result.Parsed)
            {
                counts.Read++;
                processed.Add(uid);
            }
            else
            {
                counts.Unread++;
                await folder.AddFlagsAsync(uid, MessageFlags.Flagged, silent: true, cancellationToken);
            }
        }
        // Only now, with every event committed, do the messages leave the folder.
        if (processed.Count > 0)
        {
            if (done is not null) await folder.MoveToAsync(processed, done, cancellationToken);
            else
            {
                await folder.AddFlagsAsync(processed, MessageFlags.Deleted, silent: true, cancellationToken);
                await folder.ExpungeAsync(processed, cancellationToken);
            }
        }
        await client.DisconnectAsync(true, cancellationToken);
    }

    private async Task PollPop3Async(MailboxOptions m, List<string> lines, Counts counts, CancellationToken cancellationToken)
    {
        using var client = new Pop3Client { Timeout = m.TimeoutSeconds * 1000 };
        await client.ConnectAsync(m.Host, m.EffectivePort, Security(m), cancellationToken);
        await client.AuthenticateAsync(m.User, m.Password, cancellationToken);
        var total = await client.GetMessageCountAsync(cancellationToken);
        var count = Math.Min(total, m.MaxMessagesPerPoll);
        counts.Left = total - count;
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var label = $"message {i + 1}";
            var size = await client.GetMessageSizeAsync(i, cancellationToken);
            ProcessedMessage result;
            if (size > BounceProcessor.MaxMessageBytes)
            {
                result = processor.Process([], BounceSources.Mailbox, label + $" ({size} bytes, too large)");
            }
            else
            {
                await using var stream = await client.GetStreamAsync(i, false, cancellationToken);
                result = await processor.ProcessAsync(stream, BounceSources.Mailbox, label, cancellationToken);
            }
            lines.Add(result.Line);
            if (result.Parsed)
            {
                counts.Read++;
                // POP3 deletes at QUIT: a connection lost before it leaves every message in place (read again, counted once).
                await client.DeleteMessageAsync(i, cancellationToken);
            }
            else counts.Unread++;
        }
        await client.DisconnectAsync(true, cancellationToken);
    }

    private sealed class Counts
    {
        public int Read;
        public int Unread;
        public int Left;
    }
}
