using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Listings;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>A migrated database with the paper store on it; no web host needed.</summary>
public sealed class ListingsTestDatabase : IDisposable
{
    private readonly ProviderDatabase? _owned;

    public ListingsTestDatabase(TestWorkspace workspace)
    {
        UtcTimestampHandler.Register();
        Database = new Database(workspace.DatabasePath);
        new Migrator(Database, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate();
        Papers = new PaperStore(Database, TimeProvider.System);
    }

    /// <summary>A fresh database of <paramref name="provider"/>, deleted on dispose.</summary>
    public ListingsTestDatabase(string provider)
    {
        _owned = new ProviderDatabase(provider);
        Database = _owned.Database;
        Papers = new PaperStore(Database, TimeProvider.System);
    }

    public Database Database { get; }
    public PaperStore Papers { get; }

    /// <summary>Runs a query and returns its rows, for assertions on stored state.</summary>
    public List<T> Query<T>(string sql, object? parameters = null)
    {
        using var connection = Database.Connect();
        return connection.Query<T>(sql, parameters).ToList();
    }

    public void Dispose() => _owned?.Dispose();

    public static ParsedListing Parse(string fixture, ListingFormat format = ListingFormat.Auto) =>
        ListingParser.Parse(File.ReadAllBytes(RepositoryPaths.Fixture(Path.Combine("Listings", fixture))), format, DateTimeOffset.UtcNow);
}
