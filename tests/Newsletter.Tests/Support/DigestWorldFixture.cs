namespace Newsletter.Tests.Support;

/// <summary>
/// A test class on one <see cref="DigestWorld"/> per test: made with its clock at <c>start</c> before the class's own
/// [SetUp] (which seeds it) and disposed after each test.
/// </summary>
public abstract class DigestWorldFixture(DateTimeOffset start)
{
    protected DigestWorld World { get; private set; } = null!;

    [SetUp] public void CreateWorld() => World = new DigestWorld(start);

    [TearDown] public Task DisposeWorld() => World.DisposeAsync().AsTask();
}
