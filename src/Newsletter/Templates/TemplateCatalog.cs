using Microsoft.Extensions.Options;
using Newsletter.Foundation;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace Newsletter.Templates;

/// <summary>
/// Every Scriban template under the templates folder, parsed once at start. A syntax error anywhere stops
/// start-up with the file and line. Templates get explicit models (<see cref="ScriptObject"/>), never services.
/// </summary>
public sealed class TemplateCatalog : ITemplateLoader
{
    private readonly Dictionary<string, Template> _templates;
    // One context per thread, reused by every render on it (a sending worker renders thousands of digests): a new one
    // builds Scriban's built-in functions and the include cache afresh, about a third of a digest's render time.
    private readonly ThreadLocal<TemplateContext?> _contexts = new();

    public TemplateCatalog(IOptions<TemplateOptions> options, IHostEnvironment environment)
        : this(ResolveFolder(options.Value.Path, environment.ContentRootPath))
    {
    }

    public TemplateCatalog(string folder)
    {
        Folder = folder;
        if (!Directory.Exists(folder))
            throw new ConfigurationException($"{TemplateOptions.Section}:Path", $"the templates folder '{folder}' does not exist");
        _templates = new Dictionary<string, Template>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.sbn", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetRelativePath(folder, file).Replace('\\', '/');
            var template = Template.Parse(File.ReadAllText(file), file);
            if (template.HasErrors)
                errors.AddRange(template.Messages.Where(m => m.Type == ParserMessageType.Error).Select(m => Describe(name, m)));
            else
                _templates[name] = template;
        }
        if (errors.Count > 0) throw new TemplateException(errors);
    }

    /// <summary>The folder the templates were read from.</summary>
    public string Folder { get; }

    /// <summary>Names (paths relative to the folder) of every parsed template.</summary>
    public IEnumerable<string> Names => _templates.Keys;

    /// <summary>True when a template of that name exists.</summary>
    public bool Contains(string name) => _templates.ContainsKey(name);

    /// <summary>
    /// Whether the template uses <paramref name="holes"/> only in ways a <see cref="TemplateFrame"/> keeps (see
    /// <see cref="FrameCheck"/>), so it can be rendered once for many models with markers in the holes.
    /// </summary>
    public bool CanSplit(string name, FrameHoles holes) =>
        _templates.TryGetValue(name, out var template) ? template.Page is { } page && FrameCheck.CanSplit(page, holes)
            : throw new InvalidOperationException($"No template named '{name}' in {Folder}");

    /// <summary>Renders a template with the given model; <c>include "name"</c> inside it reads from the same folder.</summary>
    public string Render(string name, ScriptObject model) => Render(name, model, new StringBuilderOutput());

    /// <summary>Renders a template into <paramref name="output"/> (a digest writes straight into its message's bytes).</summary>
    public void Write(string name, ScriptObject model, IScriptOutput output) => Render(name, model, output);

    // Scriban's Render returns what a StringBuilderOutput collected (and empties it); other outputs keep what they got.
    private string Render(string name, ScriptObject model, IScriptOutput output)
    {
        if (!_templates.TryGetValue(name, out var template))
            throw new InvalidOperationException($"No template named '{name}' in {Folder}");
        var context = _contexts.Value ??= NewContext();
        context.PushGlobal(model);
        context.PushOutput(output);
        string rendered;
        try
        {
            rendered = template.Render(context);
        }
        catch
        {
            // A render that failed half-way may leave the context's state behind: the thread's next render starts afresh.
            _contexts.Value = null;
            throw;
        }
        context.PopOutput();
        context.PopGlobal();
        return rendered;
    }

    private TemplateContext NewContext()
    {
        var context = new TemplateContext
        {
            TemplateLoader = this,
            StrictVariables = false,
            LoopLimit = 10_000,
            MemberRenamer = member => member.Name,
        };
        // Includes come from the templates parsed at start (the context's own cache, looked up by include name),
        // so a page render neither reads nor parses a file.
        foreach (var (included, parsed) in _templates) context.CachedTemplates[included] = parsed;
        return context;
    }

    string ITemplateLoader.GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) => templateName;

    string ITemplateLoader.Load(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
        File.ReadAllText(System.IO.Path.Combine(Folder, templatePath));

    ValueTask<string?> ITemplateLoader.LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
        ValueTask.FromResult<string?>(((ITemplateLoader)this).Load(context, callerSpan, templatePath));

    private static string Describe(string name, LogMessage message) =>
        $"{name}({message.Span.Start.Line + 1},{message.Span.Start.Column + 1}): {message.Message}";

    private static string ResolveFolder(string configured, string contentRoot)
    {
        var path = System.IO.Path.IsPathRooted(configured) ? configured : System.IO.Path.Combine(contentRoot, configured);
        if (!Directory.Exists(path) && !System.IO.Path.IsPathRooted(configured))
        {
            // A published or test build carries the templates beside the binary.
            var besideBinary = System.IO.Path.Combine(AppContext.BaseDirectory, configured);
            if (Directory.Exists(besideBinary)) return besideBinary;
        }
        return System.IO.Path.GetFullPath(path);
    }
}
