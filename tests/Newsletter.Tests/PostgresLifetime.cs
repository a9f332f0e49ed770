namespace Newsletter.Tests;

/// <summary>Stops and deletes the shared PostgreSQL server (see <see cref="Support.Postgres"/>) once every test has run.</summary>
[SetUpFixture]
public sealed class PostgresLifetime
{
    [OneTimeTearDown]
    public void Stop() => Support.Postgres.StopShared();
}
