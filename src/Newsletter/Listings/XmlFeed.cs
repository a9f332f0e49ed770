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
    private readonly Dictionary<string, string> _namespaces = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads the document head (root element and namespaces, up to the first element named in
    /// <paramref name="entryNames"/>) and checks the document is complete.
    /// </summary>
    public XmlFeed(string text, params string[] entryNames)
    {
        _text = text;
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
                        if (reader.Prefix == "xmlns") _namespaces[reader.LocalName] = reader.Value;
                        else if (reader.Name == "xmlns") _namespaces[""] = reader.Value;
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
        Root = root ?? throw new ListingFormatException("XML without a root element");
        RootQualifiedName = rootQualifiedName;
        if (!ClosingTag(rootQualifiedName).IsMatch(text))
            throw new ListingFormatException($"truncated XML: the document does not end with </{rootQualifiedName}>");
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

    private static Regex ClosingTag(string qualifiedName) =>
        new($@"</\s*{Regex.Escape(qualifiedName)}\s*>\s*\z", RegexOptions.CultureInvariant);

    /// <summary>Every entry named <paramref name="localName"/>: its number, its line, and the element or why it is broken.</summary>
    /// <remarks>
    /// One forward pass: an entry's chunk ends before the next entry starts, and the next closing tag and the next
    /// <c>&gt;</c> are searched for again only once the scan has passed them. Searching afresh from every entry made a
    /// document of unclosed entries quadratic (each search ran to the end of the text), and a start tag whose
    /// <c>&gt;</c> came many entries later made every one of them parse the same text.
    /// </remarks>
    public IEnumerable<(string Position, XElement? Element, string? Problem)> Entries(string localName)
    {
        var start = new Regex($@"<(?:[\w.-]+:)?{localName}(?=[\s>/])", RegexOptions.CultureInvariant);
        var end = new Regex($@"</(?:[\w.-]+:)?{localName}\s*>", RegexOptions.CultureInvariant);
        var index = 0;
        var line = 1;
        var lineCountedTo = 0;
        var closing = Match.Empty;
        var closingSearched = false;
        var tagEnd = -1;
        var match = start.Match(_text);
        while (match.Success)
        {
            index++;
            line += CountLines(lineCountedTo, match.Index);
            lineCountedTo = match.Index;
            var position = $"entry {index} (line {line})";
            var from = match.Index + match.Length;
            var next = start.Match(_text, from);
            Scanned(from, next);
            var limit = next.Success ? next.Index : _text.Length;
            // A failed search stays failed for every later entry: nothing after it can match either.
            if (!closingSearched || (closing.Success && closing.Index < from))
            {
                closing = end.Match(_text, from);
                closingSearched = true;
                Scanned(from, closing);
            }
            if (tagEnd != int.MaxValue && tagEnd < from)
            {
                var found = _text.IndexOf('>', from);
                tagEnd = found < 0 ? int.MaxValue : found;
                CharactersScanned += (found < 0 ? _text.Length : found + 1) - from;
            }
            int chunkEnd;
            if (tagEnd < limit && _text[tagEnd - 1] == '/') chunkEnd = tagEnd + 1;
            else if (closing.Success && closing.Index < limit) chunkEnd = closing.Index + closing.Length;
            else chunkEnd = -1;

            if (chunkEnd < 0)
            {
                yield return (position, null, $"broken element: <{localName}> is not closed");
            }
            else
            {
                CharactersScanned += chunkEnd - match.Index;
                var (element, problem) = Load(_text[match.Index..chunkEnd], line);
                yield return (position, element, problem);
            }
            match = next;
        }
    }

    /// <summary>
    /// Characters the entry scan has searched through or parsed so far, each search and chunk counted in full: the
    /// measure of its work that stays within a small multiple of the text's length whatever the text.
    /// </summary>
    internal long CharactersScanned { get; private set; }

    private void Scanned(int from, Match found) =>
        CharactersScanned += (found.Success ? found.Index + found.Length : _text.Length) - from;

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
