using Newsletter.Storage;

namespace Newsletter.Tests.Support;

/// <summary>
/// An empty database (no tables) on the shared PostgreSQL server for one test, dropped when disposed: for the tests
/// of the migrations themselves and of <c>storage copy</c>, which need a database nothing has migrated yet.
/// </summary>
public sealed class EmptyPostgresDatabase : IDisposable
{
    public EmptyPostgresDatabase()
    {
        UtcTimestampHandler.Register();
        ConnectionString = Postgres.Shared.CreateEmptyDatabase();
    }

    public string ConnectionString { get; }

    public void Dispose() => Postgres.Shared.Drop(ConnectionString);
}
