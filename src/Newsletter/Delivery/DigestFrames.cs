using System.Collections.Concurrent;
using Newsletter.Mail;
using Newsletter.Templates;

namespace Newsletter.Delivery;

/// <summary>
/// The digest templates as a sending run renders them: once for all the digests of one shape (the same counts, kinds
/// of filters, papers' number, links set or not), with holes where each reader's values go (their address, links, the
/// names of their filters, their papers' fragments), the frame's text encoded once. Bounded by the shapes the run's
/// digests take, not by the digests; lives as long as the run.
/// </summary>
public sealed class DigestFrames
{
    private readonly ConcurrentDictionary<string, DigestFrame> _frames;
    // Looked up by the key as the digest wrote it, so a digest of a known shape makes no string of it.
    private readonly ConcurrentDictionary<string, DigestFrame>.AlternateLookup<ReadOnlySpan<char>> _byKey;

    public DigestFrames()
    {
        _frames = new ConcurrentDictionary<string, DigestFrame>(StringComparer.Ordinal);
        _byKey = _frames.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>How many shapes the run's digests took (for the logs).</summary>
    public int Count => _frames.Count;

    internal IEnumerable<string> Keys => _frames.Keys;

    internal DigestFrame? Find(ReadOnlySpan<char> key) => _byKey.TryGetValue(key, out var frame) ? frame : null;

    /// <summary>Adds a shape's frame (made by its first digest; when two made it at once, the first added stays).</summary>
    internal DigestFrame Add(string key, DigestFrame frame) => _frames.GetOrAdd(key, frame);
}

/// <summary>The three digest templates' frames for one shape; a part without one is rendered per digest.</summary>
internal sealed record DigestFrame(TemplateFrame? Subject, EncodedFrame? Html, EncodedFrame? Text);

/// <summary>A frame of a message part: its longer runs encoded once, its short ones and the holes' values encoded per digest.</summary>
internal sealed class EncodedFrame(TemplateFrame frame)
{
    // A copied run ends the line before it with a soft break: for a few characters that costs more than it saves.
    private const int CopiedFrom = 32;

    private readonly QuotedPrintableText?[] _encoded = frame.Runs.Select(r => r.Length >= CopiedFrom ? QuotedPrintableText.Of(r) : null).ToArray();

    /// <summary>Writes the part with <paramref name="values"/> in the holes, each through <paramref name="output"/> (which places a paper's stand-in).</summary>
    public void WriteTo(QuotedPrintableWriter writer, DigestOutput output, IReadOnlyList<string> values)
    {
        Run(writer, 0);
        for (var i = 0; i < frame.Holes.Count; i++)
        {
            var text = TemplateFrame.Fill(frame.Holes[i], values);
            output.Write(text, 0, text.Length);
            Run(writer, i + 1);
        }
    }

    private void Run(QuotedPrintableWriter writer, int index)
    {
        if (_encoded[index] is { } encoded) writer.Write(encoded);
        else writer.Write(frame.Runs[index]);
    }
}
