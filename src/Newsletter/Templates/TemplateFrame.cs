using System.Globalization;
using System.Text;
using Scriban.Functions;

namespace Newsletter.Templates;

/// <summary>
/// A template rendered once with a marker in each hole (<see cref="FrameHoles"/>): the text between the holes, and for
/// each hole which value goes there and whether the template escaped it for HTML.
/// </summary>
public sealed class TemplateFrame
{
    /// <summary>What a marker starts and ends with; no value that goes in a hole holds it.</summary>
    public const char MarkerChar = '\u0001';

    private TemplateFrame(IReadOnlyList<string> runs, IReadOnlyList<FrameHole> holes)
    {
        Runs = runs;
        Holes = holes;
    }

    /// <summary>A hole: the value that goes there and whether it is escaped for HTML.</summary>
    public readonly record struct FrameHole(int Value, bool Escaped);

    /// <summary>The text before the first hole, between holes, and after the last (one more than the holes).</summary>
    public IReadOnlyList<string> Runs { get; }

    /// <summary>The holes in order.</summary>
    public IReadOnlyList<FrameHole> Holes { get; }

    /// <summary>
    /// The marker of value <paramref name="index"/>: its '&amp;' tells, once rendered, whether the template escaped it
    /// (<c>&amp;amp;</c>) or wrote it as it is.
    /// </summary>
    public static string Marker(int index) => string.Create(CultureInfo.InvariantCulture, $"{MarkerChar}&{index}{MarkerChar}");

    /// <summary>The frame in a template's output rendered with markers; null when a marker was changed (the template did more than write or escape it).</summary>
    public static TemplateFrame? Parse(string output)
    {
        var runs = new List<string>();
        var holes = new List<FrameHole>();
        var at = 0;
        while (true)
        {
            var start = output.IndexOf(MarkerChar, at);
            if (start < 0) break;
            var end = output.IndexOf(MarkerChar, start + 1);
            if (end < 0) return null;
            var inner = output.AsSpan(start + 1, end - start - 1);
            var escaped = inner.StartsWith("&amp;");
            if (!escaped && !inner.StartsWith("&")) return null;
            var number = inner[(escaped ? 5 : 1)..];
            if (number.IsEmpty || number.ContainsAnyExceptInRange('0', '9')) return null;
            runs.Add(output[at..start]);
            holes.Add(new FrameHole(int.Parse(number, CultureInfo.InvariantCulture), escaped));
            at = end + 1;
        }
        runs.Add(output[at..]);
        return new TemplateFrame(runs, holes);
    }

    /// <summary>A hole's text: its value, escaped as the template escaped it.</summary>
    public static string Fill(FrameHole hole, IReadOnlyList<string> values) =>
        hole.Escaped ? HtmlFunctions.Escape(values[hole.Value]) ?? "" : values[hole.Value];

    /// <summary>The text with <paramref name="values"/> in the holes.</summary>
    public string Assemble(IReadOnlyList<string> values)
    {
        var text = new StringBuilder(Runs[0]);
        for (var i = 0; i < Holes.Count; i++) text.Append(Fill(Holes[i], values)).Append(Runs[i + 1]);
        return text.ToString();
    }
}
