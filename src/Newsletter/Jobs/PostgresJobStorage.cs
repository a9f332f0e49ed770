using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Newsletter.Jobs;

/// <summary>
/// Hangfire's storage with <c>Storage:Provider</c> = <c>postgres</c>: the service's own database, in the schema
/// <see cref="Schema"/>, so several nodes share one queue and one set of recurring jobs. The timeouts are chosen
/// against the longest job (a digest run: planning a large run, then a send that may take hours under a throttle);
/// README, "Running on several machines", says why each.
/// </summary>
public static class PostgresJobStorage
{
    /// <summary>Hangfire's tables live here, apart from the service's own.</summary>
    public const string Schema = "hangfire";

    /// <summary>
    /// How long a fetched job may go without its worker's heartbeat before another node takes it. Sliding: a live
    /// worker refreshes it every fifth of this, so a job of any length is never taken twice, and a dead node's job
    /// is taken over after this long.
    /// </summary>
    public static readonly TimeSpan InvisibilityTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How old a distributed lock must be before another node may break it as abandoned. Longer than any job that
    /// holds one for its whole run (the bounce mailbox poll, at most its 600 s), short enough that a lock left by a
    /// dead node frees itself within the half hour.
    /// </summary>
    public static readonly TimeSpan DistributedLockTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The storage options the service runs with; tests shorten the invisibility timeout only.</summary>
    public static PostgreSqlStorageOptions Options(TimeSpan invisibilityTimeout) => new()
    {
        SchemaName = Schema,
        PrepareSchemaIfNecessary = true,
        InvisibilityTimeout = invisibilityTimeout,
        UseSlidingInvisibilityTimeout = true,
        DistributedLockTimeout = DistributedLockTimeout,
        // LISTEN/NOTIFY wakes a worker as a job is queued (a confirmation email leaves within seconds); the poll
        // interval is only the fallback if a notification is missed.
        EnableLongPolling = true,
        QueuePollInterval = TimeSpan.FromSeconds(15),
    };

    /// <summary>Hangfire storage on the PostgreSQL database named by <paramref name="connectionString"/>.</summary>
    public static PostgreSqlStorage Create(string connectionString, PostgreSqlStorageOptions options) =>
        new(new NpgsqlConnectionFactory(connectionString, options), options);
}
