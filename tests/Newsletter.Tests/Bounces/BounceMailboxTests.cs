using Dapper;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;
using Newsletter.Bounces;
using Newsletter.Storage;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Bounces;

/// <summary>The bounce mailbox polled over IMAP and POP3 from a real Dovecot; messages appended with MailKit.</summary>
public class BounceMailboxTests
{
    private TestWorkspace _workspace = null!;
    private (string User, string Password) _account;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        BounceFixtures.Seed(_workspace.DatabasePath);
        _account = Dovecot.Shared.NewUser();
    }

    [TearDown] public void TearDown() => _workspace.Dispose();

    private Dictionary<string, string?> Settings(string protocol, string doneFolder = "Done", string? password = null) => new()
    {
        ["Delivery:ReturnPath"] = BounceFixtures.ReturnPath,
        ["Bounces:Mailbox:Protocol"] = protocol,
        ["Bounces:Mailbox:Host"] = "127.0.0.1",
        ["Bounces:Mailbox:Port"] = (protocol == "pop3" ? Dovecot.Shared.Pop3Port : Dovecot.Shared.ImapPort).ToString(),
        ["Bounces:Mailbox:Security"] = "none",
        ["Bounces:Mailbox:User"] = _account.User,
        ["Bounces:Mailbox:Password"] = password ?? _account.Password,
        ["Bounces:Mailbox:DoneFolder"] = doneFolder,
        ["Bounces:Mailbox:TimeoutSeconds"] = "10",
    };

    private async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Dovecot.Shared.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(_account.User, _account.Password);
        return client;
    }

    private async Task AppendAsync(params string[] fixtures)
    {
        using var client = await ConnectAsync();
        foreach (var fixture in fixtures)
            await client.Inbox.AppendAsync(MimeMessage.Load(BounceFixtures.PathOf(fixture)));
        await client.DisconnectAsync(true);
    }

    private async Task<int> CountAsync(string folder, SearchQuery? query = null)
    {
        using var client = await ConnectAsync();
        var f = await client.GetFolderAsync(folder);
        await f.OpenAsync(FolderAccess.ReadOnly);
        var count = (await f.SearchAsync(query ?? SearchQuery.All)).Count;
        await client.DisconnectAsync(true);
        return count;
    }

    private async Task<MailboxPoll> PollAsync(Dictionary<string, string?> settings)
    {
        await using var app = new NewsletterFactory(_workspace, settings).Started();
        return await app.Get<BounceMailbox>().PollAsync(CancellationToken.None);
    }

    private int Unparsed()
    {
        using var connection = new Database(_workspace.DatabasePath).Open();
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM bounce_events WHERE kind = 'unparsed'");
    }

    [Test]
    public async Task Imap_MovesWhatWasReadToTheDoneFolder_AndKeepsAndFlagsWhatCouldNotBeRead()
    {
        using (var client = await ConnectAsync())
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Done", true);
            await client.DisconnectAsync(true);
        }
        await AppendAsync("postfix-unknown-user.eml.txt", "not-a-report.eml.txt", "arf-abuse.eml.txt", "vacation.eml.txt");

        var poll = await PollAsync(Settings("imap"));

        Assert.That(poll.Error, Is.Null, poll.Summary);
        Assert.That((poll.Read, poll.Unread), Is.EqualTo((3, 1)), string.Join("\n", poll.Lines));
        Assert.That(poll.Lines, Has.Some.StartsWith("uid ").And.Contain("cannot read"));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("suppressed"));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(5)), Is.EqualTo("unsubscribed"));
        Assert.That(await CountAsync("Done"), Is.EqualTo(3));
        Assert.That(await CountAsync("INBOX"), Is.EqualTo(1), "the unreadable message stays for the operator");
        Assert.That(await CountAsync("INBOX", SearchQuery.Flagged), Is.EqualTo(1));

        var again = await PollAsync(Settings("imap"));
        Assert.That((again.Read, again.Unread, again.Error), Is.EqualTo((0, 0, (string?)null)), "flagged messages are not read again");
        Assert.That(Unparsed(), Is.EqualTo(1));
    }

    [Test]
    public async Task Imap_DeletesWhatWasRead_WhenThereIsNoDoneFolder()
    {
        await AppendAsync("gmail-no-such-user.eml.txt", "postfix-delayed.eml.txt");

        var settings = Settings("imap");
        settings.Remove("Bounces:Mailbox:DoneFolder");
        var poll = await PollAsync(settings);

        Assert.That((poll.Read, poll.Unread), Is.EqualTo((2, 0)), poll.Summary);
        Assert.That(await CountAsync("INBOX"), Is.Zero);
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(2)), Is.EqualTo("suppressed"));
    }

    [Test]
    public async Task Pop3_DeletesWhatWasRead_AndKeepsWhatCouldNotBeRead_CountingItOnce()
    {
        await AppendAsync("exim-failed.eml.txt", "not-a-report.eml.txt", "outlook-ndr.eml.txt");

        var poll = await PollAsync(Settings("pop3"));

        Assert.That(poll.Error, Is.Null, poll.Summary);
        Assert.That((poll.Read, poll.Unread), Is.EqualTo((2, 1)), string.Join("\n", poll.Lines));
        Assert.That(await CountAsync("INBOX"), Is.EqualTo(1));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(3)), Is.EqualTo("suppressed"));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(4)), Is.EqualTo("suppressed"));

        var again = await PollAsync(Settings("pop3"));
        Assert.That((again.Read, again.Unread), Is.EqualTo((0, 1)));
        Assert.That(Unparsed(), Is.EqualTo(1), "read again, recorded once");
    }

    [Test]
    public async Task MessageAppendedAgain_AfterItWasProcessed_CountsOnce()
    {
        // As if the process stopped after recording but before deleting: the next poll reads the same report.
        var settings = Settings("imap");
        settings.Remove("Bounces:Mailbox:DoneFolder");
        await AppendAsync("postfix-delayed.eml.txt");
        await PollAsync(settings);
        await AppendAsync("postfix-delayed.eml.txt");

        var poll = await PollAsync(settings);

        Assert.That(poll.Lines.Single(), Does.EndWith("already recorded"));
        Assert.That(await CountAsync("INBOX"), Is.Zero);
        using var connection = new Database(_workspace.DatabasePath).Open();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM bounce_events"), Is.EqualTo(1));
    }

    [Test]
    public async Task RefusedLogin_IsAClearError_AndTouchesNothing()
    {
        await AppendAsync("postfix-unknown-user.eml.txt");

        var poll = await PollAsync(Settings("pop3", password: "wrong"));

        Assert.That(poll.Error, Does.Contain("refused the login"));
        Assert.That(poll.Summary, Does.Contain($"pop3://{_account.User}@127.0.0.1:{Dovecot.Shared.Pop3Port}"));
        Assert.That(await CountAsync("INBOX"), Is.EqualTo(1));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("confirmed"));
    }

    [Test]
    public async Task CheckVerb_PollsOnce_AndExitsOne_WhenTheMailboxRefusesTheLogin()
    {
        await AppendAsync("postfix-unknown-user.eml.txt");
        var settings = Settings("pop3").ToDictionary(p => p.Key, p => p.Value ?? "");
        settings["Storage:Database"] = _workspace.DatabasePath;

        var refused = NewsletterProcess.Run(new Dictionary<string, string>(settings) { ["Bounces:Mailbox:Password"] = "wrong" }, "bounces", "check");
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Output, Does.Contain("refused the login"));

        var result = NewsletterProcess.Run(settings, "bounces", "check");
        Assert.That(result.ExitCode, Is.Zero, result.Error + result.Output);
        Assert.That(result.Output, Does.Contain("message 1: delivery-status: hard 5.1.1 reader1@example.org (digest #1, matched by verp): reader suppressed"));
        Assert.That(result.Output, Does.Contain(": 1 read, 0 could not be read (kept)"));
    }
}
