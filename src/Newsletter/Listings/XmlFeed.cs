using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Newsletter.Listings;

/// <summary>
/// A feed document cut into its entries, each parsed on its own so that one broken entry is rejected while the
/// others are read. DTDs are refused and no external entity is ever resolved.
/// </summary>
internal sealed partial class XmlFeed
{
    private readonly string _text;
    private readonly Dictionary<string, string> _namespaces;

    private XmlFeed(string text, XName root, string rootQualifiedName, Dictionary<string, string> namespaces)
    {
        _text = text;
        Root = root;
        RootQualifiedName = rootQualifiedName;
        _namespaces = namespaces;
    }

    public XName Root { get; }

    public string RootQualifiedName { get; }

    private static XmlReaderSettings Settings(ConformanceLevel level) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        ConformanceLevel = level,
    };

    /// <summary>True when the text starts like XML.</summary>
    public static bool LooksLike(string text)
    {
        foreach (var c in text)
        {
            if (c == '\uFEFF' || char.IsWhiteSpace(c)) continue;
            return c == '<';
        }
        return false;
    }

    /// <summary>Reads the document head (root element and namespaces) and checks the document is complete.</summary>
    public static XmlFeed Open(string text, params string[] entryNames)
    {
        var namespaces = new Dictionary<string, string>(StringComparer.Ordinal);
        XName? root = null;
        var rootQualifiedName = "";
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), Settings(ConformanceLevel.Document));
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (root is null)
                {
                    root = XName.Get(reader.LocalName, reader.NamespaceURI);
                    rootQualifiedName = reader.Name;
                }
                else if (entryNames.Contains(reader.LocalName))
                {
                    break;
                }
                if (reader.MoveToFirstAttribute())
                {
                    do
                    {
                        if (reader.Prefix == "xmlns") namespaces[reader.LocalName] = reader.Value;
                        else if (reader.Name == "xmlns") namespaces[""] = reader.Value;
                    } while (reader.MoveToNextAttribute());
                    reader.MoveToElement();
                }
            }
        }
        catch (XmlException e) when (root is null || e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new ListingFormatException(e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "XML with a DTD (DOCTYPE) is not accepted"
                : $"not well-formed XML at line {e.LineNumber}: {e.Message}", e);
        }
        catch (XmlException e)
        {
            throw new ListingFormatException($"not well-formed XML at line {e.LineNumber}: {e.Message}", e);
        }
        if (root is null) throw new ListingFormatException("XML without a root element");
        if (!ClosingTag(rootQualifiedName).IsMatch(text))
            throw new ListingFormatException($"truncated XML: the document does not end with </{rootQualifiedName}>");
        return new XmlFeed(text, root, rootQualifiedName, namespaces);
    }

    private static Regex ClosingTag(string qualifiedName) =>
        new($@"</\s*{Regex.Escape(qualifiedName)}\s*>\s*\z", RegexOptions.CultureInvariant);

    /// <summary>Every entry named <paramref name="localName"/>: its number, its line, and the element or why it is broken.</summary>
    public IEnumerable<(string Position, XElement? Element, string? Problem)> Entries(string localName)
    {
        var start = new Regex($@"<(?:[\w.-]+:)?{localName}(?=[\s>/])", RegexOptions.CultureInvariant);
        var end = new Regex($@"</(?:[\w.-]+:)?{localName}\s*>", RegexOptions.CultureInvariant);
        var index = 0;
        var line = 1;
        var lineCountedTo = 0;
        var match = start.Match(_text);
        while (match.Success)
        {
            index++;
            line += CountLines(lineCountedTo, match.Index);
            lineCountedTo = match.Index;
            var position = $"entry {index} (line {line})";
            var next = start.Match(_text, match.Index + match.Length);
            var closing = end.Match(_text, match.Index + match.Length);
            var selfClosed = SelfClosed(match.Index + match.Length);
            int chunkEnd;
            if (selfClosed > 0) chunkEnd = selfClosed;
            else if (closing.Success && (!next.Success || closing.Index < next.Index)) chunkEnd = closing.Index + closing.Length;
            else chunkEnd = -1;

            if (chunkEnd < 0)
            {
                yield return (position, null, $"broken element: <{localName}> is not closed");
            }
            else
            {
                var (element, problem) = Load(_text[match.Index..chunkEnd], line);
                yield return (position, element, problem);
                if (next.Success && next.Index < chunkEnd) next = start.Match(_text, chunkEnd);
            }
            match = next;
        }
    }

    private int SelfClosed(int from)
    {
        var close = _text.IndexOf('>', from);
        return close > 0 && _text[close - 1] == '/' ? close + 1 : -1;
    }

    private int CountLines(int from, int to)
    {
        var count = 0;
        for (var i = from; i < to; i++)
        {
            if (_text[i] == '\n') count++;
        }
        return count;
    }

    private (XElement? Element, string? Problem) Load(string chunk, int firstLine)
    {
        var names = new XmlNamespaceManager(new NameTable());
        foreach (var (prefix, uri) in _namespaces)
        {
            if (prefix is "xml" or "xmlns") continue;
            names.AddNamespace(prefix, uri);
        }
        try
        {
            using var reader = XmlReader.Create(new StringReader(chunk), Settings(ConformanceLevel.Fragment),
                new XmlParserContext(null, names, null, XmlSpace.None));
            reader.MoveToContent();
            return (XElement.Load(reader, LoadOptions.None), null);
        }
        catch (XmlException e)
        {
            return (null, $"broken element at line {firstLine + e.LineNumber - 1}: {e.Message}");
        }
        catch (ArgumentException e)
        {
            return (null, $"broken element: {e.Message}");
        }
    }
}
