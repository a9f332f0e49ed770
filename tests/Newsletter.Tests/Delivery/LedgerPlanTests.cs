using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>Writing a page of planned digests: each reader advanced at most once, guarded by their previous due time.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class LedgerPlanTests(string provider) : DigestWorldFixture(Confirmed, provider)
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void ReaderAlreadyAdvancedByAnotherPlanner_GetsNoRow_OthersInTheSamePageDo()
    {
        var paper = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Confirmed.AddHours(1));
        var readers = Enumerable.Range(0, 4)
            .Select(i => World.AddReader($"page{i}@example.org", Confirmed, [DigestWorld.Topic("state-space-models")]))
            .ToList();
        var next = Due.AddDays(1);
        using (var connection = World.Get<Database>().Connect())
            connection.Execute("UPDATE subscribers SET next_due_at = @next WHERE id = @id", new { next, id = readers[1].Id });
        var digests = readers.Select(r => new PlannedDigest(
            r.Id, "daily:2026-11-24", Due.AddDays(-1), Due, [new DigestItem(paper, ["state-space-models"], 1.5)], paper, Due, next)).ToList();

        var created = World.Get<DeliveryStore>().Plan(digests, "example.org", sendEmpty: false, Due, out var advanced);
        var again = World.Get<DeliveryStore>().Plan(digests, "example.org", sendEmpty: false, Due, out var advancedAgain);

        Assert.That((created, advanced), Is.EqualTo((3, 3)));
        Assert.That((again, advancedAgain), Is.EqualTo((0, 0)), "a repeated write changes nothing");
        Assert.That(readers.Select(r => World.Rows(r.Id).Count), Is.EqualTo(new[] { 1, 0, 1, 1 }));
        Assert.That(readers.Select(r => World.Reader(r.Id).LastSeq), Is.EqualTo(new long?[] { paper, null, paper, paper }));
        Assert.That(DeliveryStore.Items(World.Rows(readers[0].Id).Single()).Single().Labels, Is.EqualTo(new[] { "state-space-models" }));
    }

    [Test]
    public void ReadersOnDifferentSchedules_InOnePage_EachMoveToTheirOwnTimes_OnlyFromTheirOwnPreviousDueTime()
    {
        var paper = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Confirmed.AddHours(1));
        var readers = Enumerable.Range(0, 4)
            .Select(i => World.AddReader($"zone{i}@example.org", Confirmed, [DigestWorld.Topic("state-space-models")]))
            .ToList();
        // Four time zones: each reader was due at another hour and moves on to another next time and window.
        var previous = readers.Select((_, i) => Due.AddHours(i)).ToArray();
        var next = readers.Select((_, i) => Due.AddDays(1).AddHours(2 * i)).ToArray();
        using (var connection = World.Get<Database>().Connect())
        {
            foreach (var (reader, i) in readers.Select((r, i) => (r, i)))
                connection.Execute("UPDATE subscribers SET next_due_at = @due WHERE id = @id", new { due = previous[i], id = reader.Id });
            // The third reader's schedule changed since the page was read: it is not due at the time the planner saw.
            connection.Execute("UPDATE subscribers SET next_due_at = @due WHERE id = @id", new { due = Due.AddDays(3), id = readers[2].Id });
        }
        var digests = readers.Select((r, i) => new PlannedDigest(
            r.Id, "daily:2026-11-24", Due.AddDays(-1), Due, [new DigestItem(paper, ["state-space-models"], 1)], paper - i, previous[i], next[i])).ToList();

        var created = World.Get<DeliveryStore>().Plan(digests, "example.org", sendEmpty: false, Due, out var advanced);

        Assert.That((created, advanced), Is.EqualTo((3, 3)));
        Assert.That(readers.Select(r => World.Reader(r.Id).NextDueAt),
            Is.EqualTo(new DateTimeOffset?[] { next[0], next[1], Due.AddDays(3), next[3] }));
        Assert.That(readers.Select(r => World.Reader(r.Id).LastSeq), Is.EqualTo(new long?[] { paper, paper - 1, null, paper - 3 }));
        Assert.That(readers.Select(r => World.Rows(r.Id).Count), Is.EqualTo(new[] { 1, 1, 0, 1 }));
    }

    [Test]
    public void EachDistinctItemList_IsFrozenOnceARun_AcrossPages_AndEveryRowReadsItsOwn()
    {
        var mamba = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Confirmed.AddHours(1));
        var diffusion = World.AddPaper("Diffusion for Audio", "Denoising audio.", Confirmed.AddHours(1));
        var readers = Enumerable.Range(0, 5)
            .Select(i => World.AddReader($"share{i}@example.org", Confirmed, [DigestWorld.Topic("state-space-models")]))
            .ToList();
        IReadOnlyList<DigestItem> shared = [new DigestItem(mamba, ["state-space-models"], 1.5) { Marks = new[] { 0, 5 } }];
        // Equal content reached another way (other filters, another page): still the same stored list.
        IReadOnlyList<DigestItem> sameAgain = [new DigestItem(mamba, ["state-space-models"], 1.5) { Marks = new[] { 0, 5 } }];
        // Differs only in its marks: a list of its own.
        IReadOnlyList<DigestItem> otherMarks = [new DigestItem(mamba, ["state-space-models"], 1.5) { Marks = new[] { 0, 6 } }];
        IReadOnlyList<DigestItem> own = [new DigestItem(diffusion, ["diffusion"], 2), new DigestItem(mamba, ["keyword:mamba"], 1)];
        var lists = new[] { shared, otherMarks, own, sameAgain, shared };
        var digests = readers.Select((r, i) => new PlannedDigest(
            r.Id, "daily:2026-11-24", Due.AddDays(-1), Due, lists[i], diffusion, Due, Due.AddDays(1))).ToList();
        var run = new FrozenLists();

        // Two pages of one run.
        var created = World.Get<DeliveryStore>().Plan(digests[..3], "example.org", sendEmpty: false, Due, out _, run)
            + World.Get<DeliveryStore>().Plan(digests[3..], "example.org", sendEmpty: false, Due, out _, run);

        Assert.That(created, Is.EqualTo(5));
        using var connection = World.Get<Database>().Connect();
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM frozen_lists"), Is.EqualTo(3), "one stored list per distinct list of the run");
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM deliveries WHERE items_json = '' AND items_list IS NOT NULL"), Is.EqualTo(5),
            "rows point at their list instead of holding a copy");
        Assert.That(readers.Select(r => FrozenItemText.Of(DeliveryStore.Items(World.Rows(r.Id).Single()))), Is.EqualTo(lists.Select(FrozenItemText.Of)));
    }

    [Test]
    public void DigestsRepeatingAListAlreadyHandedOver_LetTheirItemsGo_AndTheirRowsStillReadIt_AcrossPages()
    {
        var mamba = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Confirmed.AddHours(1));
        var diffusion = World.AddPaper("Diffusion for Audio", "Denoising audio.", Confirmed.AddHours(1));
        var readers = Enumerable.Range(0, 5)
            .Select(i => World.AddReader($"carry{i}@example.org", Confirmed, [DigestWorld.Topic("state-space-models")]))
            .ToList();
        // Equal content in lists of their own, as ranking makes them for each reader.
        IReadOnlyList<DigestItem> Shared() => [new DigestItem(mamba, ["state-space-models"], 1.5) { Marks = new[] { 0, 5 } }];
        IReadOnlyList<DigestItem> Own() => [new DigestItem(diffusion, ["diffusion"], 2), new DigestItem(mamba, ["keyword:mamba"], 1)];
        var lists = new[] { Shared(), Own(), Shared(), Shared(), Own() };
        var expected = lists.Select(FrozenItemText.Of).ToList();
        var digests = readers.Select((r, i) => new PlannedDigest(
            r.Id, "daily:2026-11-24", Due.AddDays(-1), Due, lists[i], diffusion, Due, Due.AddDays(1))).ToList();
        var run = new FrozenLists();

        // Numbered page by page as the planner does once a page is marked, then written.
        run.Number(digests[..3]);
        var created = World.Get<DeliveryStore>().Plan(digests[..3], "example.org", sendEmpty: false, Due, out _, run);
        run.Number(digests[3..]);
        created += World.Get<DeliveryStore>().Plan(digests[3..], "example.org", sendEmpty: false, Due, out _, run);

        Assert.That(digests.Select(d => (d.Carried, d.Items.Count)), Is.EqualTo(new[] { (false, 1), (false, 2), (true, 0), (true, 0), (true, 0) }),
            "only the first digest of each list keeps its items");
        Assert.That(digests.Select(d => d.List), Is.EqualTo(new[] { 0, 1, 0, 0, 1 }));
        Assert.That(created, Is.EqualTo(5), "a digest without its items is not taken for an empty one");
        using var connection = World.Get<Database>().Connect();
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM frozen_lists"), Is.EqualTo(2));
        Assert.That(readers.Select(r => FrozenItemText.Of(DeliveryStore.Items(World.Rows(r.Id).Single()))), Is.EqualTo(expected));
    }

    [Test]
    public void AListsFirstCarrier_WhoseReaderWasAdvancedElsewhere_StillStoresIt_ForTheDigestsNamingIt()
    {
        var paper = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Confirmed.AddHours(1));
        var readers = Enumerable.Range(0, 2)
            .Select(i => World.AddReader($"carrier{i}@example.org", Confirmed, [DigestWorld.Topic("state-space-models")]))
            .ToList();
        var next = Due.AddDays(1);
        // Another planner advanced the first reader meanwhile.
        using (var connection = World.Get<Database>().Connect())
            connection.Execute("UPDATE subscribers SET next_due_at = @next WHERE id = @id", new { next, id = readers[0].Id });
        var digests = readers.Select(r => new PlannedDigest(
            r.Id, "daily:2026-11-24", Due.AddDays(-1), Due, [new DigestItem(paper, ["state-space-models"], 1.5)], paper, Due, next)).ToList();
        var run = new FrozenLists();
        run.Number(digests);

        var created = World.Get<DeliveryStore>().Plan(digests, "example.org", sendEmpty: false, Due, out var advanced, run);

        Assert.That(digests[1].Carried, Is.True);
        Assert.That((created, advanced), Is.EqualTo((1, 1)));
        Assert.That(World.Rows(readers[0].Id), Is.Empty);
        Assert.That(DeliveryStore.Items(World.Rows(readers[1].Id).Single()).Single().Paper, Is.EqualTo(paper));
    }

    [Test]
    public void APageOfMoreRowsThanOneInsertTakes_WritesEveryRow_CountsThem_AndLeavesTheConnectionAsItWas()
    {
        var paper = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Confirmed.AddHours(1));
        // Two full chunks and one row more: the rows go in three inserts.
        var count = 2 * PlannedRows.ChunkRows + 1;
        var ids = World.AddReaders(Enumerable.Range(0, count).Select(i => $"many{i}@example.org"), Confirmed, [DigestWorld.Topic("state-space-models")]);
        var digests = ids.Select((id, i) => new PlannedDigest(
            id, "daily:2026-11-24", Due.AddDays(-1), Due, [new DigestItem(paper, ["state-space-models"], i)], paper, Due, Due.AddDays(1))).ToList();

        var created = World.Get<DeliveryStore>().Plan(digests, "example.org", sendEmpty: false, Due, out var advanced);

        Assert.That((created, advanced), Is.EqualTo((count, count)));
        using var connection = World.Get<Database>().Connect();
        var rows = connection.Query<(long Subscriber, string MessageId)>("SELECT subscriber_id, message_id FROM deliveries ORDER BY subscriber_id").ToList();
        Assert.That(rows.Select(r => r.Subscriber), Is.EqualTo(ids.Order()), "every reader's row, once");
        Assert.That(rows.Select(r => r.MessageId), Is.EqualTo(ids.Order().Select(id => LedgerMessageId.For(id, "daily:2026-11-24", "example.org"))));
        Assert.That(ids.Select(id => DeliveryStore.Items(World.Rows(id).Single()).Single().Score), Is.EqualTo(Enumerable.Range(0, count).Select(i => (double)i)),
            "each row points at its own list");
        Assert.That(connection.ExecuteScalar<long>("SELECT sum(rows) FROM delivery_days WHERE state = 'pending'"), Is.EqualTo(count), "the day's rollup counts every row");
        if (!World.Get<Database>().IsPostgres)
        {
            Assert.That(connection.ExecuteScalar<long>("PRAGMA temp_store"), Is.Zero, "the pooled connection's temporary storage is back to the default");
            Assert.That(connection.ExecuteScalar<long>("PRAGMA foreign_keys"), Is.EqualTo(1), "and its foreign keys are checked again");
        }
    }

    [Test]
    public void AFrozenList_IsStoredAsTheTextFrozenItemsWrites_ByteForByte()
    {
        var paper = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Confirmed.AddHours(1));
        var reader = World.AddReader("bytes@example.org", Confirmed, [DigestWorld.Topic("state-space-models")]);
        // Not ASCII, a quote and a backslash to escape, a fraction and marks: every form the JSON writer has.
        IReadOnlyList<DigestItem> items =
        [
            new DigestItem(paper, ["state-space-models", "keyword:na\u00efve \"Ma\\mba\" 表"], 0.1 + 0.2) { Marks = new[] { 0, 5, 17, 28 } },
            new DigestItem(paper + 1, ["keyword:x"], 1e-7),
        ];
        var digest = new PlannedDigest(reader.Id, "daily:2026-11-24", Due.AddDays(-1), Due, items, paper, Due, Due.AddDays(1));

        World.Get<DeliveryStore>().Plan([digest], "example.org", sendEmpty: false, Due, out _);

        using var connection = World.Get<Database>().Connect();
        var stored = connection.QuerySingle<string>("SELECT items FROM frozen_lists");
        Assert.That(stored, Is.EqualTo(FrozenItems.Write(items)), "the send side reads this text");
        if (!World.Get<Database>().IsPostgres)
            Assert.That(connection.QuerySingle<(string, long)>("SELECT typeof(items), length(CAST(items AS BLOB)) FROM frozen_lists"),
                Is.EqualTo(("text", (long)System.Text.Encoding.UTF8.GetByteCount(stored))), "stored as text, its UTF-8 bytes as written");
        Assert.That(FrozenItemText.Of(DeliveryStore.Items(World.Rows(reader.Id).Single())), Is.EqualTo(FrozenItemText.Of(items)));
    }

    [Test]
    public void PagesOfARun_LeaveTheLogsCheckpointsToTheirOwnThread_AndGiveThePoolSqlitesOwnBack()
    {
        var database = World.Get<Database>();
        var checkpoints = LedgerCheckpoints.For(database, dryRun: false, NullLogger.Instance);
        if (database.IsPostgres)
        {
            Assert.That(checkpoints, Is.Null, "PostgreSQL's log is its own");
            return;
        }
        var paper = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Confirmed.AddHours(1));
        var digests = Enumerable.Range(0, 4)
            .Select(i => World.AddReader($"wal{i}@example.org", Confirmed, [DigestWorld.Topic("state-space-models")]))
            .Select(r => new PlannedDigest(r.Id, "daily:2026-11-24", Due.AddDays(-1), Due, [new DigestItem(paper, ["state-space-models"], 1.5)], paper, Due, Due.AddDays(1)))
            .ToList();
        var run = new FrozenLists();

        int created;
        using (checkpoints)
            created = World.Get<DeliveryStore>().Plan(digests[..2], "example.org", sendEmpty: false, Due, out _, run, checkpoints)
                + World.Get<DeliveryStore>().Plan(digests[2..], "example.org", sendEmpty: false, Due, out _, run, checkpoints);

        Assert.That(created, Is.EqualTo(4));
        Assert.That(checkpoints!.Taken, Is.GreaterThanOrEqualTo(1), "the last commit is checkpointed before the run ends");
        Assert.That(checkpoints.MostFrames, Is.GreaterThan(0));
        // The page's connection went back to the pool with SQLite's automatic checkpoint, whichever one it was.
        var connections = Enumerable.Range(0, 4).Select(_ => database.Open()).ToList();
        Assert.That(connections.Select(c => c.ExecuteScalar<long>("PRAGMA wal_autocheckpoint")), Is.All.EqualTo(1000));
        connections.ForEach(c => c.Dispose());
    }
}
