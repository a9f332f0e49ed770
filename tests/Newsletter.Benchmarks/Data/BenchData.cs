using Microsoft.Data.Sqlite;
using Newsletter.Benchmarks.Harness;
using Newsletter.Matching;
using Newsletter.Storage;

namespace Newsletter.Benchmarks.Data;

/// <summary>
/// What every scenario's data is made from: the topic catalog the app loads from appsettings.json, the shipped
/// sample listing, and a vocabulary for readers' own keyword queries.
/// </summary>
public sealed class BenchData
{
    private BenchData(IReadOnlyList<Topic> topics, IReadOnlyList<(string Title, string Abstract)> samples)
    {
        Topics = topics;
        Samples = samples;
        RareTerms = Data.RareTerms.Build(20_000, seed: 5);
        Generator = new ListingGenerator(samples, topics.Select(t => TopicTerms.Of(t.Query)).Where(t => t.Count > 0).ToList(), RareTerms, seed: 7);
        Vocabulary = KeywordPool.Vocabulary(samples.Select(s => s.Title + " " + s.Abstract));
    }

    public IReadOnlyList<Topic> Topics { get; }
    public IReadOnlyList<(string Title, string Abstract)> Samples { get; }
    public ListingGenerator Generator { get; }
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>The long tail of made-up method and dataset names papers mention and readers follow.</summary>
    public IReadOnlyList<string> RareTerms { get; }

    /// <summary>Readers drawn from this catalog and vocabulary.</summary>
    public ReaderGenerator Readers(int seed) => new(Topics.Select(t => t.Slug).ToList(), Vocabulary, RareTerms, seed);

    /// <summary>Loads the catalog through the app itself (so a catalog the app rejects fails here too).</summary>
    public static BenchData Load(BenchOptions options)
    {
        var scratch = Path.Combine(options.Work, "catalog.db");
        IReadOnlyList<Topic> topics;
        using (var host = new BenchHost(options.Repo, new Dictionary<string, string?> { ["Storage:Database"] = scratch }))
            topics = host.Get<TopicCatalog>().All.ToList();
        SqliteConnection.ClearAllPools();
        if (topics.Count == 0) throw new InvalidOperationException("the Topics catalog in appsettings.json is empty");
        var sample = SampleListing.PathIn(options.Repo);
        return new BenchData(topics, SampleListing.Read(sample));
    }

    /// <summary>Folds the write-ahead log into the file and closes every connection, so the file can be copied.</summary>
    public static void Settle(string databasePath)
    {
        using (var connection = new Database(databasePath).Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
    }

    /// <summary>A copy of a settled database file, ready for one scenario to change.</summary>
    public static string Copy(string databasePath, string name)
    {
        var copy = Path.Combine(Path.GetDirectoryName(databasePath)!, name);
        Delete(copy);
        File.Copy(databasePath, copy);
        return copy;
    }

    /// <summary>Deletes a database file and its write-ahead log and shared-memory files.</summary>
    public static void Delete(string databasePath)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            if (File.Exists(databasePath + suffix)) File.Delete(databasePath + suffix);
        }
    }

    /// <summary>Runs one scalar query on a database file.</summary>
    public static long Scalar(string databasePath, string sql)
    {
        using var connection = new Database(databasePath).Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }
}
