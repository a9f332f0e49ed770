using System.Globalization;
using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// Reads the compact text round 2 froze items in (no longer written; rows still pending or kept for the archive hold
/// it): <c>~</c>, the label count and each label length-prefixed, then per paper its id, its score in
/// ten-thousandths and the indexes of its labels, e.g. <c>~2:18:state-space-models13:keyword:mamba;42,123457,0.1</c>.
/// </summary>
internal static class CompactItemsText
{
    private const double ScoreScale = 10_000;

    /// <summary>Whether <paramref name="text"/> is in this format: it starts with <c>~</c>, which JSON never does.</summary>
    public static bool Holds(string text) => text.StartsWith('~');

    /// <summary>The items of <paramref name="text"/>, which <see cref="Holds"/>; throws a FormatException when it is malformed.</summary>
    public static IReadOnlyList<DigestItem> Read(string text)
    {
        var rest = text.AsSpan(1); // past the '~'
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
            var matched = new List<string>();
            foreach (var range in indexes.Split('.'))
            {
                if (indexes.IsEmpty) break;
                var index = Parse(indexes[range]);
                if (index < 0 || index >= labels.Length) throw Broken();
                matched.Add(labels[index]);
            }
            items.Add(new DigestItem(paper, matched, score));
        }
        return items;
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
