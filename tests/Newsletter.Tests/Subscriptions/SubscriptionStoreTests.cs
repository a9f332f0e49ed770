using Dapper;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Subscriptions;

/// <summary>SubscriberStore, TokenStore and ConfirmationStore on both providers, the same cases on each.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class SubscriptionStoreTests(string provider) : OnBothProviders(provider)
{
    private SubscriberStore _subscribers = null!;
    private TokenStore _tokens = null!;
    private ConfirmationStore _confirmations = null!;

    [SetUp]
    public void SetUp()
    {
        _subscribers = new SubscriberStore(Db.Database);
        _tokens = new TokenStore(Db.Database, new ServerSecretStore(Db.Database));
        _confirmations = new ConfirmationStore(Db.Database, _tokens);
    }

    private static SubscriptionRequest Choices(string topic = "llm", string keyword = "mamba") =>
        new() { Topics = [topic], Keywords = [keyword], Frequency = "weekly", Weekday = 3, Hour = 7, Timezone = "Europe/Berlin", Order = DigestOrders.Relevance };

    private T Scalar<T>(string sql, object? args = null)
    {
        using var connection = Db.Database.Connect();
        return connection.ExecuteScalar<T>(sql, args)!;
    }

    [Test]
    public void EnsureExists_KeepsOneRowAndChangesNothing_WhenAskedAgain()
    {
        var id = _subscribers.EnsureExists("reader@example.org", new SubscriptionRequest(), Now);
        _subscribers.Confirm(id, null, Now, _ => Now.AddDays(1));

        var again = _subscribers.EnsureExists("reader@example.org", Choices(), Now.AddHours(1));

        Assert.That(again, Is.EqualTo(id));
        var reader = _subscribers.Find(id)!;
        Assert.That((reader.State, reader.Frequency, reader.CreatedAt), Is.EqualTo((SubscriberStates.Confirmed, "daily", Now)));
    }

    [Test]
    public void Confirm_AppliesTheLinksChoices_AndKeepsTheRollupsRight()
    {
        var id = _subscribers.EnsureExists("reader@example.org", new SubscriptionRequest(), Now);
        var due = Now.AddDays(2);

        var confirmed = _subscribers.Confirm(id, Choices(), Now.AddMinutes(5), _ => due)!;

        Assert.That((confirmed.State, confirmed.Frequency, confirmed.Weekday, confirmed.Hour, confirmed.Timezone, confirmed.DigestOrder),
            Is.EqualTo((SubscriberStates.Confirmed, "weekly", 3, 7, "Europe/Berlin", DigestOrders.Relevance)));
        Assert.That((confirmed.ConfirmedAt, confirmed.NextDueAt, confirmed.LastSeq), Is.EqualTo((Now.AddMinutes(5), due, (long?)null)));
        Assert.That(_subscribers.Filters(id), Is.EqualTo(new[] { new SubscriberFilter("keyword", "mamba"), new SubscriberFilter("topic", "llm") }));
        Assert.That(Scalar<long>("SELECT sum(readers) FROM reader_states WHERE state = 'confirmed'"), Is.EqualTo(1));
        Assert.That(Scalar<long>("SELECT coalesce(sum(readers), 0) FROM reader_states WHERE state = 'pending'"), Is.Zero);
        Assert.That(Scalar<long>("SELECT coalesce(sum(readers), 0) FROM topic_readers WHERE topic = 'llm'"), Is.EqualTo(1));
        Assert.That(Scalar<long>("SELECT sum(confirmations) FROM reader_days WHERE day = '2026-12-01'"), Is.EqualTo(1));
    }

    [Test]
    public void Suppress_StampsTheTime_AndDeleteTakesTheTopicsOff()
    {
        var id = _subscribers.EnsureExists("reader@example.org", new SubscriptionRequest(), Now);
        _subscribers.Confirm(id, Choices(), Now, _ => Now.AddDays(1));

        Assert.That(_subscribers.Suppress(id, "hard bounce", Now.AddHours(1)), Is.True);
        Assert.That(_subscribers.Suppress(id, "again", Now.AddHours(2)), Is.False, "only a confirmed reader is suppressed");

        Assert.That(_subscribers.Find(id)!.StateReason, Is.EqualTo("hard bounce"));
        Assert.That(Scalar<long>("SELECT sum(suppressions) FROM reader_days WHERE day = '2026-12-01'"), Is.EqualTo(1));
        Assert.That(Scalar<long>("SELECT coalesce(sum(readers), 0) FROM topic_readers WHERE topic = 'llm'"), Is.Zero, "a suppressed reader's topics stop counting");

        var lifted = _subscribers.LiftSuppression(id, "operator", Now.AddHours(3), _ => Now.AddDays(1))!;
        Assert.That(lifted.State, Is.EqualTo(SubscriberStates.Confirmed));
        Assert.That(Scalar<long>("SELECT coalesce(sum(readers), 0) FROM topic_readers WHERE topic = 'llm'"), Is.EqualTo(1));

        Assert.That(_subscribers.Delete(id), Is.True);
        Assert.That(Scalar<long>("SELECT coalesce(sum(readers), 0) FROM topic_readers WHERE topic = 'llm'"), Is.Zero, "taken off once, not twice");
        Assert.That(Scalar<long>("SELECT count(*) FROM subscriber_filters"), Is.Zero);
        Assert.That(Scalar<long>("SELECT coalesce(sum(readers), 0) FROM reader_states"), Is.Zero);
    }

    [Test]
    public void SuppressingWithoutATime_GetsTheClocksTime()
    {
        var id = _subscribers.EnsureExists("reader@example.org", new SubscriptionRequest(), Now);
        _subscribers.Confirm(id, null, Now, _ => Now.AddDays(1));

        using (var connection = Db.Database.Connect())
            connection.Execute("UPDATE subscribers SET state = 'suppressed' WHERE id = @id", new { id });

        Assert.That(Scalar<DateTimeOffset?>("SELECT suppressed_at FROM subscribers"), Is.Not.Null);
        Assert.That(Scalar<long>("SELECT sum(suppressions) FROM reader_days"), Is.EqualTo(1));
    }

    [Test]
    public void TryCountConfirmation_StopsAtTheDailyCap_AndStartsAgainNextDay()
    {
        var id = _subscribers.EnsureExists("reader@example.org", new SubscriptionRequest(), Now);

        var today = Enumerable.Range(0, 4).Select(_ => _subscribers.TryCountConfirmation(id, Now, maxPerDay: 3)).ToList();

        Assert.That(today, Is.EqualTo(new[] { true, true, true, false }));
        Assert.That(_subscribers.TryCountConfirmation(id, Now.AddDays(1), maxPerDay: 3), Is.True);
    }

    [Test]
    public void ImportConfirmed_NeverRevivesAnAddressThatSaidStop()
    {
        var stopped = _subscribers.EnsureExists("stopped@example.org", new SubscriptionRequest(), Now);
        _subscribers.Confirm(stopped, null, Now, _ => Now.AddDays(1));
        _subscribers.Unsubscribe(stopped, Now);
        _subscribers.EnsureExists("pending@example.org", new SubscriptionRequest(), Now);

        var refused = _subscribers.ImportConfirmed("stopped@example.org", Choices(), Now, _ => Now.AddDays(1));
        var imported = _subscribers.ImportConfirmed("pending@example.org", Choices(), Now.AddHours(1), _ => Now.AddDays(1));

        Assert.That(refused, Is.Null);
        Assert.That(_subscribers.Find(stopped)!.State, Is.EqualTo(SubscriberStates.Unsubscribed));
        Assert.That((imported!.State, imported.ConfirmedAt, imported.NextDueAt), Is.EqualTo((SubscriberStates.Confirmed, Now.AddHours(1), Now.AddDays(1))));
        Assert.That(_subscribers.Filters(imported.Id), Has.Count.EqualTo(2));
    }

    [Test]
    public void All_ReadsEveryReaderWithTheirFilters_InPages()
    {
        var ids = Enumerable.Range(0, 5).Select(i =>
        {
            var id = _subscribers.EnsureExists($"r{i}@example.org", new SubscriptionRequest(), Now);
            _subscribers.UpdatePreferences(id, Choices(keyword: $"k{i}"), null);
            return id;
        }).ToList();

        var all = _subscribers.All(pageSize: 2).ToList();

        Assert.That(all.Select(a => a.Subscriber.Id), Is.EqualTo(ids));
        Assert.That(all.Select(a => a.Filters.Single(f => f.Kind == "keyword").Value), Is.EqualTo(new[] { "k0", "k1", "k2", "k3", "k4" }));
        Assert.That(_subscribers.Find(ids.Take(2).ToList()).Keys, Is.EquivalentTo(ids.Take(2)));
    }

    [Test]
    public void DeleteUnconfirmed_RemovesOnlyOldAddressesWithNoRecentLink()
    {
        var old = _subscribers.EnsureExists("old@example.org", new SubscriptionRequest(), Now.AddDays(-10));
        var oldButAsked = _subscribers.EnsureExists("asked@example.org", new SubscriptionRequest(), Now.AddDays(-10));
        _confirmations.Queue(oldButAsked, null, Now.AddDays(-1), Now.AddDays(1));
        var recent = _subscribers.EnsureExists("new@example.org", new SubscriptionRequest(), Now);

        var deleted = _subscribers.DeleteUnconfirmed(Now.AddDays(-7));

        Assert.That(deleted, Is.EqualTo(1));
        Assert.That((_subscribers.Find(old), _subscribers.Find(oldButAsked)?.Id, _subscribers.Find(recent)?.Id), Is.EqualTo(((Subscriber?)null, oldButAsked, recent)));
    }

    [Test]
    public void ConfirmationLink_WorksOnce_AndCarriesItsChoices()
    {
        var id = _subscribers.EnsureExists("reader@example.org", new SubscriptionRequest(), Now);
        var row = _confirmations.Queue(id, Choices(), Now, Now.AddHours(48));
        var token = _confirmations.Token(row, Now);

        var found = _confirmations.Find(token, Now);
        var used = _confirmations.Consume(token, Now.AddMinutes(1));
        var again = _confirmations.Consume(token, Now.AddMinutes(2));

        Assert.That((found.Status, found.SubscriberId, found.Choices?.Keywords.Single()), Is.EqualTo((TokenStatus.Valid, (long?)id, "mamba")));
        Assert.That((used.Status, used.Choices?.Frequency), Is.EqualTo((TokenStatus.Valid, "weekly")));
        Assert.That(again.Status, Is.EqualTo(TokenStatus.Used));
        Assert.That(_confirmations.Find(_confirmations.Token(_confirmations.Queue(id, null, Now, Now.AddHours(1)), Now), Now.AddHours(2)).Status,
            Is.EqualTo(TokenStatus.Expired));
    }

    [Test]
    public void ConfirmationClaims_OfTwoNodesAtOnce_NeverShareARow()
    {
        for (var i = 0; i < 40; i++)
        {
            var id = _subscribers.EnsureExists($"r{i}@example.org", new SubscriptionRequest(), Now);
            _confirmations.Queue(id, null, Now, Now.AddDays(2));
        }
        using var other = Db.OpenSecondNode();
        var stores = new[] { _confirmations, new ConfirmationStore(other, new TokenStore(other, new ServerSecretStore(other))) };
        using var ready = new Barrier(2);

        var claimed = stores.AsParallel().WithDegreeOfParallelism(2).Select((store, node) =>
        {
            ready.SignalAndWait();
            var rows = new List<long>();
            // A sender records each row before its next claim; a new owner per batch stands for that here.
            for (var batch = 0; batch < 10; batch++) rows.AddRange(store.Claim($"node{node}-{batch}", Now, Now.AddMinutes(5), 3, Now).Select(r => r.Id));
            return rows;
        }).ToList();

        var all = claimed.SelectMany(ids => ids).ToList();
        Assert.That(all, Is.Unique, "no row claimed twice");
        Assert.That(all, Has.Count.EqualTo(40));
        Assert.That(Scalar<long>("SELECT max(attempts) FROM confirmations"), Is.EqualTo(1));
    }

    [Test]
    public void ConfirmationOutbox_RecordsSentRetryReleaseAndAbandoned()
    {
        var ids = Enumerable.Range(0, 4).Select(i => _confirmations.Queue(
            _subscribers.EnsureExists($"r{i}@example.org", new SubscriptionRequest(), Now), null, Now, Now.AddDays(2))).ToList();
        var rows = _confirmations.Claim("node", Now, Now.AddMinutes(5), 10, Now);
        Assert.That(rows.Select(r => (r.Id, r.Attempts, r.SubscriberState)), Is.EqualTo(ids.Select(id => (id, 1, SubscriberStates.Pending))));

        _confirmations.MarkSent(ids[0], "250 ok", Now);
        _confirmations.MarkRetry(ids[1], "451 later", Now.AddMinutes(5), Now);
        Assert.That(_confirmations.Release("node", [ids[2]], Now), Is.EqualTo(1));
        Assert.That(_confirmations.RecoverAbandoned(Now.AddMinutes(10)), Is.EqualTo(1), "the fourth row's lease ran out");

        var states = ids.Select(id => Scalar<string>("SELECT state || ':' || attempts FROM confirmations WHERE id = @id", new { id }));
        Assert.That(states, Is.EqualTo(new[] { "sent:1", "retry:1", "pending:0", "retry:1" }));
        Assert.That(_confirmations.Claim("node", Now.AddMinutes(1), Now.AddMinutes(6), 10, Now).Select(r => r.Id), Is.EqualTo(new[] { ids[2] }),
            "a retry waits for its time");
        Assert.That(_confirmations.ForSubscriber(Scalar<long>("SELECT subscriber_id FROM confirmations WHERE id = @id", new { id = ids[0] }))
            .Select(c => (c.CreatedAt, c.State)), Is.EqualTo(new[] { (Now, "sent") }));
    }

    [Test]
    public void LongLivedTokens_AreMadeOncePerReader_AndFoundByHash()
    {
        var a = _subscribers.EnsureExists("a@example.org", new SubscriptionRequest(), Now);
        var b = _subscribers.EnsureExists("b@example.org", new SubscriptionRequest(), Now);

        var first = _tokens.LongLived([a, b], TokenStore.Manage, Now);
        var second = _tokens.LongLived([a, b], TokenStore.Manage, Now.AddDays(1));

        Assert.That(second, Is.EqualTo(first));
        Assert.That(Scalar<long>("SELECT count(*) FROM tokens"), Is.EqualTo(2));
        Assert.That(_tokens.Find(first[b], TokenStore.Manage, Now).SubscriberId, Is.EqualTo(b));
        _subscribers.Delete(b);
        Assert.That(_tokens.Find(first[b], TokenStore.Manage, Now).Status, Is.EqualTo(TokenStatus.Unknown));
    }

    [Test]
    public void Ledger_IsEmpty_ForANewReader()
    {
        var id = _subscribers.EnsureExists("a@example.org", new SubscriptionRequest(), Now);

        Assert.That(_subscribers.Ledger(id), Is.Empty);
        Assert.That(_subscribers.FindByEmail("a@example.org")!.Id, Is.EqualTo(id));
        Assert.That(_subscribers.RemoveFilter(id, "topic", "llm"), Is.False);
    }
}
