using System.Collections.Concurrent;
using Dapper;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// The delivery ledger's claims, leases and records on both providers, the same cases on each; on PostgreSQL
/// several nodes claim at once, which the last case puts to the test with a connection per claimer.
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class LedgerStoreTests(string provider) : OnBothProviders(provider)
{
    private static readonly DateTimeOffset Lease = Now.AddMinutes(5);
    private DeliveryStore _ledger = null!;

    [SetUp] public void SetUp() => _ledger = new DeliveryStore(Db.Database);

    /// <summary>Confirmed readers with one pending row each (planned at <c>Now</c>); their row ids in order.</summary>
    private List<long> Rows(int count, string state = "pending", DateTimeOffset? nextAttemptAt = null)
    {
        using var connection = Db.Database.Connect();
        using var transaction = connection.BeginTransaction();
        var rows = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var email = $"reader{Guid.NewGuid():N}@example.org";
            var reader = connection.ExecuteScalar<long>(
                "INSERT INTO subscribers (email, state, created_at, confirmed_at) VALUES (@email, 'confirmed', @Now, @Now) RETURNING id",
                new { email, Now }, transaction);
            rows.Add(connection.ExecuteScalar<long>(
                """
                INSERT INTO deliveries (subscriber_id, period_key, state, created_at, next_attempt_at, message_id, items_json)
                VALUES (@reader, 'daily:2026-12-01', @state, @Now, @nextAttemptAt, @messageId, '[]') RETURNING id
                """,
                new { reader, state, Now, nextAttemptAt, messageId = LedgerMessageId.For(reader, "daily:2026-12-01", "example.org") },
                transaction));
        }
        transaction.Commit();
        return rows;
    }

    private IReadOnlyList<DeliveryRow> Claim(string owner, int limit, DateTimeOffset? at = null, string? run = null)
    {
        using var connection = _ledger.OpenConnection();
        return _ledger.Claim(connection, owner, at ?? Now, Lease, limit, Now, run);
    }

    private (string State, long Attempts, string? Owner) Row(long id)
    {
        using var connection = Db.Database.Connect();
        return connection.QuerySingle<(string, long, string?)>("SELECT state, attempts, lease_owner FROM deliveries WHERE id = @id", new { id });
    }

    [Test]
    public void Claim_TakesTheOldestDueRows_LeasedToTheClaimer_AndTheNextClaimTheRest()
    {
        var rows = Rows(5);

        var first = Claim("node-a/1", 3);
        var second = Claim("node-b/1", 3);

        Assert.That(first.Select(r => r.Id), Is.EqualTo(rows.Take(3)));
        Assert.That(second.Select(r => r.Id), Is.EqualTo(rows.Skip(3)));
        Assert.That(first.Select(r => r.Attempts), Is.All.EqualTo(1));
        Assert.That(Row(rows[0]), Is.EqualTo(("sending", 1L, (string?)"node-a/1")));
        Assert.That(Claim("node-c/1", 3), Is.Empty, "nothing is left to claim");
    }

    [Test]
    public void Claim_EndsTheRowOfAReaderNoLongerSubscribed_InsteadOfReturningIt()
    {
        var rows = Rows(2);
        using (var connection = Db.Database.Connect())
            connection.Execute("UPDATE subscribers SET state = 'unsubscribed' WHERE id = (SELECT subscriber_id FROM deliveries WHERE id = @id)", new { id = rows[0] });

        var claimed = Claim("node-a/1", 10);

        Assert.That(claimed.Select(r => r.Id), Is.EqualTo(new[] { rows[1] }));
        Assert.That(Row(rows[0]).State, Is.EqualTo("failed"));
    }

    [Test]
    public void RetryRow_IsClaimedOnceDue_ButNotAgainByTheRunThatTriedIt()
    {
        var due = Rows(1, "retry", Now.AddMinutes(10)).Single();
        using (var connection = Db.Database.Connect())
            connection.Execute("UPDATE deliveries SET lease_owner = 'run-1/2' WHERE id = @due", new { due });

        Assert.That(Claim("run-1/1", 10), Is.Empty, "not yet due");
        Assert.That(Claim("run-1/1", 10, Now.AddMinutes(10), run: "run-1"), Is.Empty, "this run already tried it");
        Assert.That(Claim("run-2/1", 10, Now.AddMinutes(10), run: "run-2").Select(r => r.Id), Is.EqualTo(new[] { due }));
    }

    [Test]
    public void Records_SentRetryAndFinal_OnlyForARowStillBeingSent()
    {
        var rows = Rows(3);
        Claim("node-a/1", 3);
        using var connection = _ledger.OpenConnection();

        _ledger.MarkSent(connection, [new SentMessage(rows[0], "250 ok", Now)]);
        _ledger.MarkRetry(connection, rows[1], "421 busy", Now.AddMinutes(5), Now);
        _ledger.MarkFinal(connection, rows[2], DeliveryStates.Unknown, "lost", Now);
        _ledger.MarkSent(connection, [new SentMessage(rows[2], "250 late", Now)]);

        Assert.That(rows.Select(id => Row(id).State), Is.EqualTo(new[] { "sent", "retry", "unknown" }));
        Assert.That(_ledger.Find(rows[0])!.SentAt, Is.EqualTo(Now));
        Assert.That(_ledger.AnyDue(Now), Is.False, "the retry waits for its time");
        Assert.That(_ledger.AnyDue(Now.AddMinutes(5)), Is.True);
    }

    [Test]
    public void RenewAndRelease_KeepTheRowsTried_AndGiveBackTheRest()
    {
        var rows = Rows(4);
        Claim("node-a/1", 4);
        using var connection = _ledger.OpenConnection();
        _ledger.MarkSent(connection, [new SentMessage(rows[0], "250 ok", Now)]);

        Assert.That(_ledger.RenewLease(connection, "node-a/1", Now.AddMinutes(10)), Is.EquivalentTo(rows.Skip(1)));
        Assert.That(_ledger.Release(connection, "node-a/1", rows[1], Now), Is.EqualTo(2), "rows after the one started go back");

        Assert.That(rows.Select(Row), Is.EqualTo(new[]
        {
            ("sent", 1L, (string?)"node-a/1"), ("sending", 1L, (string?)"node-a/1"), ("pending", 0L, (string?)null), ("pending", 0L, (string?)null),
        }));
    }

    [Test]
    public void RecoverAbandoned_AfterTheLease_MakesEachDeadOwnersFirstUnrecordedRowsUnknown_AndTheRestPending()
    {
        const int window = DeliveryStore.UnrecordedAtMost;
        var rows = Rows(2 * window + 3);
        Claim("dead/1", window + 1);
        Claim("dead/2", window + 1);

        Assert.That(_ledger.RecoverAbandoned(Lease.AddSeconds(-1)), Is.Zero, "a live lease is left alone");
        var unknown = _ledger.RecoverAbandoned(Lease.AddSeconds(1));

        // Each dead worker may have handed its first `window` rows to the server without recording them yet.
        Assert.That(unknown, Is.EqualTo(2 * window));
        var expected = Enumerable.Repeat("unknown", window).Append("pending")
            .Concat(Enumerable.Repeat("unknown", window)).Append("pending").Append("pending");
        Assert.That(rows.Select(id => Row(id).State), Is.EqualTo(expected));
        Assert.That(Claim("alive/1", 10).Select(r => r.Id), Is.EqualTo(new[] { rows[window], rows[2 * window + 1], rows[2 * window + 2] }),
            "the others take over the rest");
    }

    [Test]
    public void OperatorReads_CountListResendAndRemove()
    {
        var rows = Rows(3);
        var sentTo = _ledger.Find(rows[2])!.SubscriberId;
        Claim("node-a/1", 3);
        using (var connection = _ledger.OpenConnection())
        {
            _ledger.MarkFinal(connection, rows[0], DeliveryStates.Unknown, "lost", Now);
            _ledger.MarkFinal(connection, rows[1], DeliveryStates.Failed, "550 no such user", Now);
            _ledger.MarkSent(connection, [new SentMessage(rows[2], "250 ok", Now)]);
        }

        Assert.That(new DeliveryCountStore(Db.Database).CountsByDay(7).Select(c => (c.Day, c.State, c.Count)),
            Is.EqualTo(new[] { ("2026-12-01", "failed", 1L), ("2026-12-01", "sent", 1L), ("2026-12-01", "unknown", 1L) }));
        Assert.That(new DeliveryCountStore(Db.Database).InState(DeliveryStates.Failed, 10).Single().LastError, Is.EqualTo("550 no such user"));
        Assert.That(new DeliveryCountStore(Db.Database).CountInState(DeliveryStates.Sent), Is.EqualTo(1));
        Assert.That(_ledger.Resend(DeliveryStates.Unknown, null, Now), Is.EqualTo((1, 0)));
        Assert.That(Row(rows[0]), Is.EqualTo(("pending", 0L, (string?)null)));
        Assert.That(_ledger.Resend(DeliveryStates.Failed, Now.AddHours(1), Now, plannedFrom: Now.AddDays(-1), plannedBefore: Now.AddDays(1)),
            Is.EqualTo((0, 0)), "changed before the time asked");
        Assert.That(_ledger.EndUnsent(_ledger.Find(rows[0])!.SubscriberId, "unsubscribed", Now), Is.EqualTo(1));
        Assert.That(_ledger.RemoveFinishedBefore(Now.AddDays(1), 10), Is.EqualTo(3));
        Assert.That(_ledger.ForSubscriber(sentTo), Is.Empty);
    }

    [Test]
    public void FindByMessageId_FindsTheRowItsReaderNames()
    {
        var row = _ledger.Find(Rows(1).Single())!;

        Assert.That(_ledger.FindByMessageId($"<{row.MessageId}>")?.Id, Is.EqualTo(row.Id));
        Assert.That(_ledger.FindByMessageId("<digest.999.daily.2026-12-01@example.org>"), Is.Null);
    }

    [Test]
    public void ManyClaimersAtOnce_EachWithItsOwnConnection_ClaimEveryRowExactlyOnce()
    {
        const int total = 600, claimers = 6;
        Rows(total);
        var claimed = new ConcurrentBag<(string Owner, long Id)>();
        using var start = new Barrier(claimers);

        var threads = Enumerable.Range(1, claimers).Select(n => new Thread(() =>
        {
            // A node of its own: its own Database, so its own pool and connection.
            using var node = Db.OpenSecondNode();
            var ledger = new DeliveryStore(node);
            using var connection = ledger.OpenConnection();
            start.SignalAndWait();
            IReadOnlyList<DeliveryRow> batch;
            while ((batch = ledger.Claim(connection, $"node-{n}/1", Now, Lease, 7, Now)).Count > 0)
                foreach (var row in batch) claimed.Add(($"node-{n}/1", row.Id));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.That(claimed.Select(c => c.Id).Distinct().Count(), Is.EqualTo(total), "every row claimed");
        Assert.That(claimed, Has.Count.EqualTo(total), "no row claimed twice");
        using var check = Db.Database.Connect();
        Assert.That(check.Query<(string, long)>("SELECT lease_owner, id FROM deliveries").ToHashSet(), Is.EquivalentTo(claimed.ToHashSet()),
            "each row is leased to the claimer that got it");
        TestContext.Out.WriteLine(string.Join(", ", claimed.GroupBy(c => c.Owner).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));
    }
}
