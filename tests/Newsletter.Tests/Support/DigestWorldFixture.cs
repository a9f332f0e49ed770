using Newsletter.Storage;

namespace Newsletter.Tests.Support;

/// <summary>
/// A test class on one <see cref="DigestWorld"/> per test: made with its clock at <c>start</c> before the class's own
/// [SetUp] (which seeds it) and disposed after each test. A fixture that runs on both providers takes the provider
/// as its argument (<c>[TestFixture(StorageProviders.Sqlite)] [TestFixture(StorageProviders.Postgres)]</c>).
/// </summary>
public abstract class DigestWorldFixture(DateTimeOffset start, string provider = StorageProviders.Sqlite)
{
    protected DigestWorld World { get; private set; } = null!;

    [SetUp] public void CreateWorld() => World = new DigestWorld(start, provider);

    [TearDown] public Task DisposeWorld() => World.DisposeAsync().AsTask();
}
