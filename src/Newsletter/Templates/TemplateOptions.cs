namespace Newsletter.Templates;

/// <summary>The <c>Templates</c> config section.</summary>
public sealed class TemplateOptions
{
    public const string Section = "Templates";

    /// <summary>Folder of the Scriban templates, relative to the content root unless absolute.</summary>
    public string Path { get; set; } = "templates";

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Path)) yield return $"{TemplateOptions.Section}:Path must name the templates folder";
    }
}
