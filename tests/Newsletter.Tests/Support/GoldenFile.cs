namespace Newsletter.Tests.Support;

/// <summary>Rendered output against a golden file in Fixtures/Digests; <c>UPDATE_GOLDEN=1</c> rewrites the file (read the diff before committing).</summary>
public static class GoldenFile
{
    private static readonly string Source = Path.Combine(RepositoryPaths.Root, "tests", "Newsletter.Tests", "Fixtures", "Digests");

    public static void AssertDigest(string name, string actual)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") File.WriteAllText(Path.Combine(Source, name), actual);
        var expected = File.ReadAllText(RepositoryPaths.Fixture(Path.Combine("Digests", name)));
        Assert.That(actual, Is.EqualTo(expected), $"rendered {name} differs; rerun with UPDATE_GOLDEN=1 to accept, after reading the diff");
    }
}
