using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// The text a ledger row freezes its papers in (<c>deliveries.items_json</c>). Planning writes one per reader, so it
/// is compact: each label once per row, then per paper its id, score and the indexes of its labels, e.g.
/// <c>~2:18:state-space-models13:keyword:mamba;42,123457,0.1;7,5000,1</c>. Rows written before this format hold a
/// JSON array (<c>[{"Paper":…}]</c>) and still read: the first character tells them apart.
/// </summary>
/// <remarks>
/// Labels are length-prefixed rather than escaped, so a keyword query may hold any character. Scores are stored in
/// ten-thousandths (ranking rounds them to four decimals), which reads back as the same double and formats as an
/// integer, far cheaper than a floating-point number.
/// </remarks>
internal static class FrozenItems
{
    private const char Marker = '~';
    private const double ScoreScale = 10_000;

    /// <summary>The compact text of <paramref name="items"/>.</summary>
    public static string Write(IReadOnlyList<DigestItem> items) => Write(items, new StringBuilder(), []);

    /// <summary>The compact text of <paramref name="items"/>, using the caller's buffers (cleared first).</summary>
    // A planning run lasts seconds, too short for tiered compilation to catch up with this hot loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Write(IReadOnlyList<DigestItem> items, StringBuilder text, List<string> labels)
    {
        text.Clear();
        labels.Clear();
        foreach (var item in items)
        {
            foreach (var label in item.Topics)
            {
                if (IndexOf(labels, label) < 0) labels.Add(label);
            }
        }
        var invariant = CultureInfo.InvariantCulture;
        text.Append(Marker).Append(labels.Count.ToString(invariant)).Append(':');
        foreach (var label in labels) text.Append(label.Length.ToString(invariant)).Append(':').Append(label);
        foreach (var item in items)
        {
            text.Append(';').Append(item.Paper.ToString(invariant)).Append(',')
                .Append(((long)Math.Round(item.Score * ScoreScale)).ToString(invariant)).Append(',');
            for (var t = 0; t < item.Topics.Count; t++)
            {
                if (t > 0) text.Append('.');
                text.Append(IndexOf(labels, item.Topics[t]).ToString(invariant));
            }
        }
        return text.ToString();
    }

    /// <summary>Reads a row's frozen items in either format; throws on anything else (JsonException, FormatException).</summary>
    public static IReadOnlyList<DigestItem> Read(string text)
    {
        if (text.Length > 0 && text[0] == '[')
        {
            return JsonSerializer.Deserialize<List<DigestItem>>(text) ?? [];
        }
        if (text.Length == 0 || text[0] != Marker) throw new FormatException("Frozen digest items are in an unknown format");
        var rest = text.AsSpan(1);
        var labels = new string[Count(ref rest)];
        for (var l = 0; l < labels.Length; l++)
        {
            var length = Count(ref rest);
            if (length > rest.Length) throw Broken();
            labels[l] = rest[..length].ToString();
            rest = rest[length..];
        }
        var items = new List<DigestItem>();
        while (!rest.IsEmpty)
        {
            if (rest[0] != ';') throw Broken();
            rest = rest[1..];
            var paper = Number(ref rest, ',');
            var score = Number(ref rest, ',') / ScoreScale;
            var end = rest.IndexOf(';');
            var indexes = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[end..];
            var topics = new List<string>();
            foreach (var range in indexes.Split('.'))
            {
                if (indexes.IsEmpty) break;
                var index = Parse(indexes[range]);
                if (index < 0 || index >= labels.Length) throw Broken();
                topics.Add(labels[index]);
            }
            items.Add(new DigestItem(paper, topics, score));
        }
        return items;
    }

    private static int IndexOf(List<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            // The labels of one run are the same string instances, so this is mostly a reference comparison.
            if (string.Equals(labels[i], label, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    /// <summary>The integer before the next <paramref name="separator"/>; moves past both.</summary>
    private static long Number(ref ReadOnlySpan<char> rest, char separator)
    {
        var end = rest.IndexOf(separator);
        if (end < 0) throw Broken();
        var value = Parse(rest[..end]);
        rest = rest[(end + 1)..];
        return value;
    }

    private static int Count(ref ReadOnlySpan<char> rest) =>
        Number(ref rest, ':') is var count and >= 0 and <= int.MaxValue ? (int)count : throw Broken();

    private static long Parse(ReadOnlySpan<char> digits) =>
        long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : throw Broken();

    private static FormatException Broken() => new("Frozen digest items are malformed");
}
