using System.Collections;
using System.Globalization;
using System.Text;
using Scriban.Runtime;

namespace Newsletter.Templates;

/// <summary>
/// The values of a template's model that differ from one reader to the next and that a template only writes out (as
/// they are or HTML-escaped) or tests for being set: such a template (<see cref="TemplateCatalog.CanSplit"/>) renders
/// once for every model alike in all else, with a marker where each of them goes (<see cref="TemplateFrame"/>), and a
/// reader's text is the frame's runs with their values between them. Everything else in the model is the frame's key.
/// </summary>
/// <param name="globals">Members of the model that are holes.</param>
/// <param name="lists">
/// Lists in the model whose items are objects: for each, the items' members that are holes and those the template may
/// use otherwise (in the key); it may use no other member of an item, nor an item itself.
/// </param>
public sealed class FrameHoles(IReadOnlySet<string> globals, IReadOnlyDictionary<string, FrameHoles.ListHoles> lists)
{
    /// <summary>The holes and the other members a list's items offer the template.</summary>
    public sealed record ListHoles(IReadOnlySet<string> Holes, IReadOnlySet<string> Shape);

    internal IReadOnlySet<string> Globals => globals;

    internal IReadOnlyDictionary<string, ListHoles> Lists => lists;

    /// <summary>
    /// Writes into <paramref name="key"/> what of <paramref name="model"/> is not a hole (with whether each hole is set)
    /// and adds the holes' values to <paramref name="values"/>, in the order the frame numbers them.
    /// </summary>
    public void Split(ScriptObject model, StringBuilder key, List<string> values) => Walk(model, key, values, null);

    /// <summary>The model a frame is rendered with: <paramref name="model"/> with a marker (<see cref="TemplateFrame.Marker"/>) in each hole.</summary>
    public ScriptObject StandIns(ScriptObject model)
    {
        var frame = new ScriptObject();
        Walk(model, new StringBuilder(), [], frame);
        return frame;
    }

    private void Walk(ScriptObject model, StringBuilder key, List<string> values, ScriptObject? frame)
    {
        foreach (var (name, value) in model)
        {
            key.Append(name).Append('=');
            if (globals.Contains(name))
            {
                var hole = Hole(value, key, values);
                frame?.Add(name, hole);
            }
            else if (lists.TryGetValue(name, out var list) && value is IList items)
            {
                key.Append(items.Count.ToString(CultureInfo.InvariantCulture)).Append('[');
                var frameItems = frame is null ? null : new List<ScriptObject>(items.Count);
                foreach (var item in items)
                {
                    var frameItem = frameItems is null ? null : new ScriptObject();
                    if (item is not ScriptObject members) throw new ArgumentException($"the items of '{name}' are not objects");
                    foreach (var (member, memberValue) in members)
                    {
                        if (list.Holes.Contains(member))
                        {
                            var hole = Hole(memberValue, key, values);
                            frameItem?.Add(member, hole);
                        }
                        else if (list.Shape.Contains(member))
                        {
                            Describe(memberValue, key);
                            frameItem?.Add(member, memberValue);
                        }
                    }
                    frameItems?.Add(frameItem!);
                    key.Append(';');
                }
                key.Append(']');
                frame?.Add(name, frameItems);
            }
            else
            {
                Describe(value, key);
                frame?.Add(name, value);
            }
            key.Append('\u001f');
        }
    }

    /// <summary>
    /// A value that goes in a hole: a string with something visible and no line break (Scriban indents a value's later
    /// lines); any other value (null, empty, blank, multi-line) is kept in the key and in the frame as it is.
    /// </summary>
    private static object? Hole(object? value, StringBuilder key, List<string> values)
    {
        if (value is string text && !string.IsNullOrWhiteSpace(text) && !text.Contains('\n') && !text.Contains(TemplateFrame.MarkerChar))
        {
            key.Append('\u0002');
            values.Add(text);
            return TemplateFrame.Marker(values.Count - 1);
        }
        Describe(value, key);
        return value;
    }

    private static void Describe(object? value, StringBuilder key)
    {
        switch (value)
        {
            case null: key.Append('\u0000'); break;
            // Length first: no two values write the same key.
            case string text: key.Append(text.Length).Append('"').Append(text); break;
            case ScriptObject members:
                key.Append('{');
                foreach (var (name, member) in members)
                {
                    key.Append(name).Append(':');
                    Describe(member, key);
                    key.Append(',');
                }
                key.Append('}');
                break;
            case IEnumerable items:
                key.Append('[');
                foreach (var item in items)
                {
                    Describe(item, key);
                    key.Append(',');
                }
                key.Append(']');
                break;
            case ISpanFormattable number:
                Span<char> digits = stackalloc char[64];
                if (number.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture)) key.Append(digits[..written]);
                else key.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                key.Append(value.GetType().Name[0]);
                break;
            default: key.Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append(value.GetType().Name[0]); break;
        }
    }
}
