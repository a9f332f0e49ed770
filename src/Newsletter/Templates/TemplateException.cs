namespace Newsletter.Templates;

/// <summary>One or more templates failed to parse; each error names the file, line and column.</summary>
public sealed class TemplateException(IReadOnlyList<string> errors)
    : Exception("Template errors:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
