using System.Collections;
using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// The ledger writer's work for one planning page (<see cref="DeliveryStore.Plan"/>), in one transaction of its own
/// connection: the page's readers' windows advanced (<see cref="SubscriberStore.PrepareWindowAdvance"/>), each list
/// new to the run stored once (<see cref="FrozenListStore"/>), the ledger rows inserted a chunk at a time
/// (<see cref="DeliveryStore.InsertPlanned(SqliteConnection, PlannedRows, DateTimeOffset)"/>). Each statement stays
/// in the store of the table it writes; on SQLite each is prepared once a page on the connection's handle and its
/// values bound as they are.
/// </summary>
internal static class PlannedPageWriter
{
    public static int Write(Database database, IReadOnlyList<PlannedDigest> digests, string messageIdDomain,
        bool sendEmpty, DateTimeOffset now, out int advanced, FrozenLists run, LedgerCheckpoints? checkpoints)
    {
        advanced = 0;
        if (digests.Count == 0) return 0;
        using var connection = database.Connect();
        // SQLite: a page's statement journal outgrew its 64 KiB in memory and went to a file (/var/tmp/etilqs_*, BENCHMARKS).
        // It only undoes one failed statement (crash safety is the WAL's); set back for the pool's next user's big sorts.
        // The foreign keys are not checked row by row here (a row's two parents looked up and its two child tables,
        // digest_archive_tokens and bounce_events, searched: a quarter of the rows' insert, BENCHMARKS): the page holds
        // them by construction. A row is inserted only for a reader this transaction's advance has just moved, and
        // it points at a list this run wrote, younger than anything retention deletes; the transaction holds the write
        // lock, so neither goes away before the commit. PostgreSQL checks them as before.
        if (!database.IsPostgres) connection.Execute("PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF");
        var sqlite = connection as SqliteConnection;
        // A run's pages commit without checkpointing; its checkpoints run on a thread of their own (LedgerCheckpoints).
        if (sqlite is not null) checkpoints?.TakeOver(sqlite);
        try
        {
            using var transaction = connection.BeginTransaction();
            using var advance = SubscriberStore.PrepareWindowAdvance(connection, transaction);
            using var lists = FrozenListStore.Prepare(connection, transaction, now, run);
            try
            {
                var moved = new HashSet<long>(digests.Count);
                advance.Run(new Moves(digests), moved);
                var rows = new PlannedRows(messageIdDomain);
                foreach (var digest in digests)
                {
                    if (!moved.Contains(digest.SubscriberId))
                    {
                        // Not moved: another planner (or an earlier run) already advanced this reader. A list it is the
                        // first to carry is stored all the same: later digests of the run name it only by number.
                        if (!digest.IsEmpty) lists.Freeze(digest);
                        continue;
                    }
                    advanced++;
                    if (digest.IsEmpty && !sendEmpty) continue;
                    rows.Add(digest, lists.Freeze(digest));
                }
                var created = sqlite is not null
                    ? DeliveryStore.InsertPlanned(sqlite, rows, now)
                    : rows.Chunks(now).Sum(chunk => DeliveryStore.InsertPlanned(connection, transaction, chunk));
                transaction.Commit();
                checkpoints?.Committed();
                return created;
            }
            catch
            {
                lists.RolledBack();
                throw;
            }
        }
        finally
        {
            if (!database.IsPostgres) connection.Execute("PRAGMA temp_store = DEFAULT; PRAGMA foreign_keys = ON");
            if (sqlite is not null && checkpoints is not null) LedgerCheckpoints.GiveBack(sqlite);
        }
    }

    /// <summary>
    /// The page's readers as window moves, made as they are read: a list of them was 96 KB a page of 2,000 readers, on the
    /// large-object heap, garbage that only a full collection frees (~48 MB a run at 1,000,000 readers, BENCHMARKS).
    /// </summary>
    private sealed class Moves(IReadOnlyList<PlannedDigest> digests) : IReadOnlyList<WindowMove>
    {
        public WindowMove this[int index]
        {
            get
            {
                var digest = digests[index];
                return new(digest.SubscriberId, digest.LastSeq, digest.NextDueAt, digest.PreviousDueAt);
            }
        }

        public int Count => digests.Count;

        public IEnumerator<WindowMove> GetEnumerator()
        {
            for (var i = 0; i < digests.Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
