using Newsletter.Storage;

namespace Newsletter.Tests.Support;

/// <summary>
/// Several nodes of the real executable (three by default) serving on free loopback ports against one throwaway
/// PostgreSQL database (a migrated copy from <see cref="Postgres"/>), as an operator runs them on several machines.
/// The first node also runs the job server (Hangfire on PostgreSQL, one worker), so the emails a request queues
/// leave from it; the others only serve. Every node writes mail to the workspace's pickup folder and reads listings
/// from a fixture file, never the network. Started once per fixture; <see cref="DisposeAsync"/> stops the nodes and
/// drops the database.
/// </summary>
public sealed class NodeCluster : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly List<ServedNewsletter> _nodes;

    private NodeCluster(string connectionString, IReadOnlyDictionary<string, string> settings, List<ServedNewsletter> nodes)
    {
        _connectionString = connectionString;
        _nodes = nodes;
        Settings = settings;
        Database = Database.Postgres(connectionString);
    }

    /// <summary>
    /// The settings every node shares (the database, the pickup folder, the listings), for running the executable's
    /// verbs (<c>send-due</c>) as one more node through <see cref="NewsletterProcess"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The nodes, in start order; node 0 runs the jobs.</summary>
    public IReadOnlyList<ServedNewsletter> Nodes => _nodes;

    /// <summary>The shared database, for checks through the stores.</summary>
    public Database Database { get; }

    /// <summary>Starts <paramref name="count"/> nodes one after another (each waits until it answers <c>/healthz</c>).</summary>
    public static async Task<NodeCluster> StartAsync(TestWorkspace workspace, int count = 3)
    {
        UtcTimestampHandler.Register();
        var connectionString = Postgres.Shared.CreateMigratedDatabase();
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = StorageProviders.Postgres,
            ["Storage:ConnectionString"] = connectionString,
            ["Smtp:PickupDirectory"] = workspace.Outbox,
            ["Jobs:WorkerCount"] = "1",
            ["Ingest:Sources:0:Name"] = "recent",
            ["Ingest:Sources:0:Url"] = RepositoryPaths.Fixture("Papers/recent-papers.json"),
            ["Ingest:Sources:0:Format"] = "auto",
            ["Ingest:BackfillDays"] = "0",
        };
        var nodes = new List<ServedNewsletter>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                // One at a time: on a busy machine three cold starts at once can outlast the start-up deadline.
                nodes.Add(await ServedNewsletter.StartAsync(workspace, new Dictionary<string, string>(settings)
                {
                    ["Jobs:Server"] = i == 0 ? "true" : "false",
                }));
            }
        }
        catch
        {
            foreach (var node in nodes) await node.DisposeAsync();
            Postgres.Shared.Drop(connectionString);
            throw;
        }
        return new NodeCluster(connectionString, settings, nodes);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        Database.Dispose();
        Postgres.Shared.Drop(_connectionString);
    }
}
