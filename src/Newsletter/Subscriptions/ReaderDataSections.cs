using System.Text.Json.Nodes;

namespace Newsletter.Subscriptions;

/// <summary>
/// What later features store about a reader, for the data export: each adds a named section (a function of the
/// subscriber id) at start-up, so the export holds everything without this folder knowing those features.
/// </summary>
public sealed class ReaderDataSections
{
    private readonly List<(string Name, Func<long, JsonNode> Read)> _sections = [];

    /// <summary>Adds a section named <paramref name="name"/> to every reader's export.</summary>
    public void Add(string name, Func<long, JsonNode> read) => _sections.Add((name, read));

    /// <summary>Adds every section's data for <paramref name="subscriberId"/> to <paramref name="export"/>.</summary>
    public JsonObject AddTo(JsonObject export, long subscriberId)
    {
        foreach (var (name, read) in _sections) export[name] = read(subscriberId);
        return export;
    }
}
