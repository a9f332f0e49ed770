using System.Text;

namespace Newsletter.Listings;

/// <summary>Turns a source's bytes into entries: decodes the text, detects (or checks) the format, runs its parser.</summary>
public static class ListingParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses a whole source; throws <see cref="ListingFormatException"/> when it cannot be read at all.</summary>
    public static ParsedListing Parse(ReadOnlyMemory<byte> content, ListingFormat format, DateTimeOffset now)
    {
        // JSON is read straight from its UTF-8 bytes: a large listing is not held a second time as UTF-16 text.
        if (format is ListingFormat.Auto or ListingFormat.HuggingFaceJson && StartsLikeJson(content.Span))
            return HuggingFaceParser.Parse(content);
        return Parse(Decode(content.Span), format, now);
    }

    private static bool StartsLikeJson(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) content = content[3..];
        foreach (var b in content)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            return b is (byte)'[' or (byte)'{';
        }
        return false;
    }

    /// <summary>Parses decoded text; throws <see cref="ListingFormatException"/> when it cannot be read at all.</summary>
    public static ParsedListing Parse(string text, ListingFormat format, DateTimeOffset now)
    {
        if (text.Contains('\0')) throw new ListingFormatException("binary content, not a listing");
        if (IsBlank(text)) throw new ListingFormatException("the source is empty");
        return format switch
        {
            ListingFormat.PapersPage => PapersPageParser.Parse(text, now),
            ListingFormat.HuggingFaceJson => HuggingFaceParser.Parse(text),
            ListingFormat.ArxivApiAtom => ArxivApiParser.Parse(text),
            ListingFormat.ArxivRss => ArxivRssParser.Parse(text),
            _ => ParseDetected(text, now),
        };
    }

    /// <summary>Only white space and byte-order marks (checked in place: a listing can be tens of MB).</summary>
    private static bool IsBlank(string text)
    {
        foreach (var c in text)
        {
            if (c != '\uFEFF' && !char.IsWhiteSpace(c)) return false;
        }
        return true;
    }

    /// <summary>The format the content is in, judged from the content alone.</summary>
    public static ListingFormat Detect(string text)
    {
        if (text.Contains('\0')) throw new ListingFormatException("binary content, not a listing");
        if (HuggingFaceParser.LooksLike(text)) return ListingFormat.HuggingFaceJson;
        if (XmlFeed.LooksLike(text))
        {
            var feed = new XmlFeed(text, "item", "entry");
            return ArxivRssParser.IsAnnouncementFeed(feed, text) ? ListingFormat.ArxivRss : ListingFormat.ArxivApiAtom;
        }
        if (PapersPageParser.LooksLike(text)) return ListingFormat.PapersPage;
        throw new ListingFormatException(
            "not a known listing format (papers page text, Hugging Face daily-papers JSON, arXiv API Atom or arXiv RSS)");
    }

    private static ParsedListing ParseDetected(string text, DateTimeOffset now) => Parse(text, Detect(text), now);

    /// <summary>UTF-8 (or UTF-16 with a byte-order mark) text; anything else is refused as binary.</summary>
    public static string Decode(ReadOnlySpan<byte> content)
    {
        try
        {
            if (content.StartsWith(new byte[] { 0xFF, 0xFE }))
                return Encoding.Unicode.GetString(content[2..]);
            if (content.StartsWith(new byte[] { 0xFE, 0xFF }))
                return Encoding.BigEndianUnicode.GetString(content[2..]);
            if (content.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) content = content[3..];
            if (content.IndexOf((byte)0) >= 0) throw new ListingFormatException("binary content, not a listing");
            return StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw new ListingFormatException("binary content or not UTF-8 text, not a listing");
        }
    }
}
