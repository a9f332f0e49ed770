using System.Collections.Concurrent;
using System.Diagnostics;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.Server;
using Hangfire.States;
using Newsletter.Jobs;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Jobs;

/// <summary>
/// Two Hangfire servers (two nodes, each with its own storage object and connections) on one real PostgreSQL
/// database, configured as the service configures them (<see cref="PostgresJobStorage"/>).
/// </summary>
[NonParallelizable]
public class SharedJobStorageTests
{
    private static readonly ConcurrentDictionary<string, ConcurrentBag<(string Job, long Occurrence, string Server)>> Runs = new();
    private string _database = "";
    private string _run = "";

    [SetUp]
    public void SetUp()
    {
        // The last web host of an earlier test left its (now disposed) logger factory as Hangfire's log provider.
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(HangfireStatics.Silent);
        _database = Postgres.Shared.CreateMigratedDatabase();
        _run = Guid.NewGuid().ToString("N");
        Runs[_run] = [];
    }

    [TearDown]
    public void TearDown()
    {
        Runs.TryRemove(_run, out _);
        Postgres.Shared.Drop(_database);
    }

    [Test]
    public void RecurringJob_FiresOncePerOccurrence_WithTwoNodes()
    {
        var (a, b) = (Storage(PostgresJobStorage.InvisibilityTimeout), Storage(PostgresJobStorage.InvisibilityTimeout));
        // Every second, so that a few seconds hold several occurrences, each one both schedulers see.
        new RecurringJobManager(a).AddOrUpdate("tick", Job.FromExpression<RecordingJob>(job => job.Tick(_run, null!)), "* * * * * *");
        using (Server(a, "node-a"))
        using (Server(b, "node-b"))
            WaitFor(() => Runs[_run].Select(r => r.Occurrence).Distinct().Count() >= 6, "six occurrences of the recurring job");

        var runs = Runs[_run].ToList();
        Assert.That(runs.Select(r => r.Occurrence), Is.All.GreaterThan(0), "each run knows the occurrence it was fired for");
        var doubled = runs.GroupBy(r => r.Occurrence).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(r => r.Server))}");
        Assert.That(doubled, Is.Empty, "no occurrence ran twice");
    }

    [Test]
    public void LongJob_IsNotTakenAgainByTheOtherNode_AfterTheInvisibilityTimeout()
    {
        // The service's settings with a two-second timeout: the job runs three times as long.
        var (a, b) = (Storage(TimeSpan.FromSeconds(2)), Storage(TimeSpan.FromSeconds(2)));
        var id = new BackgroundJobClient(a).Enqueue<RecordingJob>(job => job.Slow(_run, 6000, null!));

        using (Server(a, "node-a"))
        using (Server(b, "node-b"))
            WaitFor(() => StateOf(a, id) == SucceededState.StateName, "the long job to succeed");

        Assert.That(Runs[_run].Count(r => r.Job == id), Is.EqualTo(1), "the long job ran once");
    }

    [Test]
    public void LongJob_IsTakenAgain_WhenTheInvisibilityTimeoutDoesNotSlide()
    {
        // What the sliding timeout prevents, shown on the same two nodes: the reason the service turns it on.
        var (a, b) = (Storage(TimeSpan.FromSeconds(2), sliding: false), Storage(TimeSpan.FromSeconds(2), sliding: false));
        var id = new BackgroundJobClient(a).Enqueue<RecordingJob>(job => job.Slow(_run, 6000, null!));

        using (Server(a, "node-a"))
        using (Server(b, "node-b"))
            WaitFor(() => Runs[_run].Count(r => r.Job == id) >= 2, "the long job to be taken a second time");

        Assert.That(Runs[_run].Count(r => r.Job == id), Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void TwoNodesStartingAtOnce_OnAnEmptySchema_BothRunJobs()
    {
        // Each node installs Hangfire's schema as it starts; two at once on a database that has none yet.
        var storages = new PostgreSqlStorage[2];
        Parallel.For(0, 2, i => storages[i] = Storage(PostgresJobStorage.InvisibilityTimeout));
        var ids = storages.Select(s => new BackgroundJobClient(s).Enqueue<RecordingJob>(job => job.Tick(_run, null!))).ToList();

        using (Server(storages[0], "node-a"))
        using (Server(storages[1], "node-b"))
            WaitFor(() => ids.All(id => StateOf(storages[0], id) == SucceededState.StateName), "both nodes' jobs to succeed");

        Assert.That(Runs[_run].Select(r => r.Job), Is.EquivalentTo(ids), "each job ran once");
    }

    private PostgreSqlStorage Storage(TimeSpan invisibility, bool sliding = true)
    {
        var options = PostgresJobStorage.Options(invisibility);
        options.UseSlidingInvisibilityTimeout = sliding;
        // The fallback poll, not the service's 15 s: a job given up by a node carries no notification.
        options.QueuePollInterval = TimeSpan.FromMilliseconds(200);
        return PostgresJobStorage.Create(_database, options);
    }

    private static BackgroundJobServer Server(JobStorage storage, string name) => new(new BackgroundJobServerOptions
    {
        ServerName = name,
        // Its own activator: a test host sets Hangfire's process-wide one over its services, disposed with the host.
        Activator = new JobActivator(),
        WorkerCount = 2,
        SchedulePollingInterval = TimeSpan.FromMilliseconds(200),
        ShutdownTimeout = TimeSpan.FromSeconds(10),
    }, storage);

    private static string? StateOf(JobStorage storage, string id)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(id)?.Name;
    }

    private static void WaitFor(Func<bool> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(90)) Assert.Fail($"gave up waiting for {what}");
            Thread.Sleep(100);
        }
    }

    /// <summary>The jobs the two nodes run: each run is recorded with its job id, occurrence and node.</summary>
    public sealed class RecordingJob
    {
        public void Tick(string run, PerformContext context) => Record(run, context);

        public void Slow(string run, int milliseconds, PerformContext context)
        {
            Record(run, context);
            Thread.Sleep(milliseconds);
        }

        private static void Record(string run, PerformContext context)
        {
            var occurrence = context.GetJobParameter<long?>("Time") ?? 0;
            if (Runs.TryGetValue(run, out var runs)) runs.Add((context.BackgroundJob.Id, occurrence, context.ServerId));
        }
    }
}
