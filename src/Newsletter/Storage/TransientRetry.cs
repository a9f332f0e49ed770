using Npgsql;

namespace Newsletter.Storage;

/// <summary>
/// Runs a short transaction again when PostgreSQL ends it as a deadlock victim or a serialization failure, which
/// rolled the whole transaction back and which PostgreSQL expects the client to retry. The rollups' counters no longer
/// take locks (migration 0026 appends them), so what is left is rows of shared tables that two nodes' multi-row
/// statements lock in differing orders: two nodes recovering the same abandoned ledger rows at once, a recovery
/// meeting a slow worker's record after its lease ran out. SQLite has one writer at a time and never answers this way.
/// </summary>
public static class TransientRetry
{
    /// <summary>How many times the work runs before the failure is passed on.</summary>
    public const int Attempts = 5;

    /// <summary>Runs <paramref name="transaction"/>, again while PostgreSQL ends it as a deadlock or serialization failure.</summary>
    public static T Run<T>(Func<T> transaction)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return transaction();
            }
            catch (PostgresException e) when (attempt < Attempts && IsTransient(e))
            {
                // The transaction was rolled back whole; the other one goes on, so running again succeeds.
            }
        }
    }

    /// <summary>Runs <paramref name="transaction"/>, again while PostgreSQL ends it as a deadlock or serialization failure.</summary>
    public static void Run(Action transaction) => Run(() => { transaction(); return 0; });

    private static bool IsTransient(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;
}
