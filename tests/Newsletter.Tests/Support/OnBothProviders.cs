namespace Newsletter.Tests.Support;

/// <summary>
/// A store fixture whose cases run on both providers: the deriving class carries
/// <c>[TestFixture(StorageProviders.Sqlite)] [TestFixture(StorageProviders.Postgres)]</c>, and each test gets a fresh,
/// migrated <see cref="Db"/> of that provider.
/// </summary>
public abstract class OnBothProviders(string provider)
{
    /// <summary>A fixed time for the stores' "now".</summary>
    protected static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    protected string Provider { get; } = provider;
    protected ProviderDatabase Db { get; private set; } = null!;

    [SetUp] public void CreateDatabase() => Db = new ProviderDatabase(Provider);
    [TearDown] public void DropDatabase() => Db.Dispose();
}
