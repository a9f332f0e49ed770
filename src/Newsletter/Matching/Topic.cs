namespace Newsletter.Matching;

/// <summary>A catalog topic: what readers tick on the subscribe page, backed by a full-text query.</summary>
public sealed class Topic
{
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";

    /// <summary>An FTS5 query over title, abstract and authors.</summary>
    public string Query { get; set; } = "";
}
