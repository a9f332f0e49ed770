namespace Newsletter.Tests.Support;

/// <summary>A fresh folder per test for its database, pickup folder and dumps; deleted afterwards.</summary>
public sealed class TestWorkspace : IDisposable
{
    public TestWorkspace()
    {
        Folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }
    public string DatabasePath => Path.Combine(Folder, "newsletter.db");
    public string Outbox => Path.Combine(Folder, "outbox");

    public string PathFor(string name) => Path.Combine(Folder, name);

    /// <summary>Every .eml file written to the pickup folder, oldest first.</summary>
    public IReadOnlyList<string> OutboxFiles() =>
        Directory.Exists(Outbox)
            ? Directory.GetFiles(Outbox, "*.eml").OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).ToList()
            : [];

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
