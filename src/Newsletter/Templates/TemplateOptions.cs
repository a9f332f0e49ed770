namespace Newsletter.Templates;

/// <summary>The <c>Templates</c> config section.</summary>
public sealed class TemplateOptions
{
    public const string Section = "Templates";

    /// <summary>Folder of the Scriban templates, relative to the content root unless absolute.</summary>
    public string Path { get; set; } = "templates";
}
