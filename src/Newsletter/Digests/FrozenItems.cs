using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// How a ledger row freezes its papers (a list in <c>frozen_lists</c> the row points at, or the row's own
/// <c>deliveries.items_json</c> for rows planned before migration 0025): a JSON object naming the list's labels once,
/// then one array per paper, e.g. <c>{"labels":["state-space-models","keyword:mamba"],"papers":[[42,0.1,[0,1],[0,5,17,28]],[7,0.05,[1]]]}</c>:
/// the paper's id, its score, the indexes of its labels and, left out when empty, the spans of the abstract to
/// highlight (<see cref="DigestItem.Marks"/>).
/// Rows written by earlier versions still read: an array of one object per paper (<c>paper</c>, <c>labels</c>,
/// <c>score</c>, <c>marks</c>; twice the bytes, a label's name written once per paper), JSON with
/// <c>Paper</c>/<c>Topics</c>/<c>Score</c>, and the compact text of round 2 (see <see cref="CompactItemsText"/>).
/// </summary>
internal static class FrozenItems
{
    private static readonly JsonSerializerOptions ReadOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The JSON of <paramref name="items"/>.</summary>
    public static string Write(IReadOnlyList<DigestItem> items) => Encoding.UTF8.GetString(WriteUtf8(items, new ArrayBufferWriter<byte>()));

    /// <summary>The JSON of <paramref name="items"/> as UTF-8, in the caller's buffer (valid until its next use).</summary>
    /// <remarks>
    /// Each label named once a list and papers as arrays, not objects: a planning run of 1,000,000 readers writes
    /// ~156,000 lists, which were two thirds of the bytes it wrote (and of its WAL), at ~2.1 KB a list one a
    /// database page; this form is about half of that (tests/BENCHMARKS.md, "The frozen lists' bytes").
    /// Written straight into one span sized first, not through <see cref="Utf8JsonWriter"/>, whose checks and
    /// separator bookkeeping a value cost more than formatting the numbers (most are the marks' offsets); the bytes
    /// are the same: labels escaped by <see cref="JsonEncodedText"/> (the writer's default encoder), numbers in the
    /// invariant shortest form the writer uses (tests/BENCHMARKS.md, "The ledger writer's lists and checkpoints").
    /// </remarks>
    public static ReadOnlySpan<byte> WriteUtf8(IReadOnlyList<DigestItem> items, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        // A list has a handful of distinct labels: a linear search beats hashing them.
        var labels = new List<string>();
        var size = 32;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            // Paper, score, brackets and commas; then each label index and mark (an int) with its comma.
            size += 20 + 32 + 8 + 12 * (item.Labels.Count + item.Marks.Length);
            for (var l = 0; l < item.Labels.Count; l++)
                if (!labels.Contains(item.Labels[l])) labels.Add(item.Labels[l]);
        }
        var encoded = new byte[labels.Count][];
        for (var l = 0; l < labels.Count; l++)
        {
            encoded[l] = JsonEncodedText.Encode(labels[l]).EncodedUtf8Bytes.ToArray();
            size += encoded[l].Length + 3;
        }
        var span = buffer.GetSpan(size);
        var at = Put(span, 0, "{\"labels\":["u8);
        for (var l = 0; l < encoded.Length; l++)
        {
            if (l > 0) span[at++] = (byte)',';
            span[at++] = (byte)'"';
            at = Put(span, at, encoded[l]);
            span[at++] = (byte)'"';
        }
        at = Put(span, at, "],\"papers\":["u8);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (i > 0) span[at++] = (byte)',';
            span[at++] = (byte)'[';
            at = Number(span, at, item.Paper);
            span[at++] = (byte)',';
            // Utf8JsonWriter refuses what JSON cannot hold.
            if (!double.IsFinite(item.Score)) throw new ArgumentException($"a score of {item.Score} cannot be written as JSON", nameof(items));
            item.Score.TryFormat(span[at..], out var written, default, CultureInfo.InvariantCulture);
            at += written;
            at = Put(span, at, ",["u8);
            for (var l = 0; l < item.Labels.Count; l++)
            {
                if (l > 0) span[at++] = (byte)',';
                at = Number(span, at, labels.IndexOf(item.Labels[l]));
            }
            span[at++] = (byte)']';
            if (!item.Marks.IsEmpty)
            {
                var marks = item.Marks.Span;
                at = Put(span, at, ",["u8);
                for (var m = 0; m < marks.Length; m++)
                {
                    if (m > 0) span[at++] = (byte)',';
                    at = Number(span, at, marks[m]);
                }
                span[at++] = (byte)']';
            }
            span[at++] = (byte)']';
        }
        at = Put(span, at, "]}"u8);
        buffer.Advance(at);
        return buffer.WrittenSpan;
    }

    private static int Put(Span<byte> span, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        return at + bytes.Length;
    }

    private static int Number(Span<byte> span, int at, long value)
    {
        Utf8Formatter.TryFormat(value, span[at..], out var written);
        return at + written;
    }

    /// <summary>Reads a row's frozen items in any format it was written in; throws on anything else (JsonException, FormatException).</summary>
    public static IReadOnlyList<DigestItem> Read(string text)
    {
        if (CompactItemsText.Holds(text)) return CompactItemsText.Read(text);
        if (text.Length == 0 || text[0] is not ('[' or '{')) throw new FormatException("Frozen digest items are in an unknown format");
        // The UTF-8 copy in a pooled buffer: a sender reads one list (~2 KB) per digest.
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var json = utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, utf8));
            if (text[0] == '{') return ReadLabelled(json) ?? throw new FormatException("Frozen digest items are malformed");
            if (ReadWritten(json) is { } items) return items;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
        var stored = JsonSerializer.Deserialize<List<Stored>>(text, ReadOptions) ?? [];
        return stored.Select(s => new DigestItem(s.Paper, s.Labels ?? s.Topics ?? [], s.Score) { Marks = s.Marks }).ToList();
    }

    /// <summary>
    /// The array of one object per paper that versions before the labelled form wrote, read in one pass (a sender reads one list per digest); null for
    /// anything else (older rows' names, nulls, other types), which the serializer reads or rejects as before.
    /// </summary>
    private static List<DigestItem>? ReadWritten(ReadOnlySpan<byte> utf8)
    {
        var json = new Utf8JsonReader(utf8);
        if (!json.Read() || json.TokenType != JsonTokenType.StartArray) return null;
        var items = new List<DigestItem>();
        while (json.Read() && json.TokenType == JsonTokenType.StartObject)
        {
            long? paper = null;
            double? score = null;
            List<string>? labels = null;
            List<int>? marks = null;
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                if (json.ValueTextEquals("paper"u8) && json.Read() && json.TokenType == JsonTokenType.Number && json.TryGetInt64(out var id)) paper = id;
                else if (json.ValueTextEquals("score"u8) && json.Read() && json.TokenType == JsonTokenType.Number && json.TryGetDouble(out var value)) score = value;
                else if (json.ValueTextEquals("labels"u8) && json.Read() && json.TokenType == JsonTokenType.StartArray)
                {
                    labels = [];
                    while (json.Read() && json.TokenType == JsonTokenType.String) labels.Add(json.GetString()!);
                    if (json.TokenType != JsonTokenType.EndArray) return null;
                }
                else if (json.ValueTextEquals("marks"u8) && json.Read() && json.TokenType == JsonTokenType.StartArray)
                {
                    marks = [];
                    while (json.Read() && json.TryGetInt32Number(out var offset)) marks.Add(offset);
                    if (json.TokenType != JsonTokenType.EndArray) return null;
                }
                else return null;
            }
            if (json.TokenType != JsonTokenType.EndObject || paper is null || labels is null || score is null) return null;
            items.Add(new DigestItem(paper.Value, labels, score.Value) { Marks = marks?.ToArray() });
        }
        return json.TokenType == JsonTokenType.EndArray && !json.Read() ? items : null;
    }

    /// <summary>
    /// The labelled form <see cref="WriteUtf8"/> writes, read in one pass, the list's label strings shared by its
    /// papers; null for anything else (a label index out of range, a missing or extra field).
    /// </summary>
    /// <remarks>
    /// A sender reads one list a digest, so what it makes a list is what a send allocates most after the body: the
    /// papers with one label (most) share that label's one-label list, and every paper's marks are slices of one
    /// array for the list, gathered in a rented buffer first.
    /// </remarks>
    private static List<DigestItem>? ReadLabelled(ReadOnlySpan<byte> utf8)
    {
        // A number takes at least two bytes of the text (a digit and a comma or bracket), a paper at least eight ("[1,1,[]]").
        var offsets = ArrayPool<int>.Shared.Rent(utf8.Length / 2 + 1);
        var marked = ArrayPool<(int From, int Count)>.Shared.Rent(utf8.Length / 8 + 1);
        try
        {
            return ReadLabelled(utf8, offsets, marked);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offsets);
            ArrayPool<(int From, int Count)>.Shared.Return(marked);
        }
    }

    private static List<DigestItem>? ReadLabelled(ReadOnlySpan<byte> utf8, int[] offsets, (int From, int Count)[] marked)
    {
        var json = new Utf8JsonReader(utf8);
        if (!json.Read() || json.TokenType != JsonTokenType.StartObject) return null;
        if (!(json.Read() && json.ValueTextEquals("labels"u8) && json.Read() && json.TokenType == JsonTokenType.StartArray)) return null;
        var labels = new List<string>();
        while (json.Read() && json.TokenType == JsonTokenType.String) labels.Add(json.GetString()!);
        if (json.TokenType != JsonTokenType.EndArray) return null;
        if (!(json.Read() && json.ValueTextEquals("papers"u8) && json.Read() && json.TokenType == JsonTokenType.StartArray)) return null;
        var onlyLabel = new string[labels.Count][];
        var items = new List<DigestItem>();
        // Each paper's marks as (from, count) in the list's offsets, sliced once all are read.
        var used = 0;
        var named = new List<string>();
        while (json.Read() && json.TokenType == JsonTokenType.StartArray)
        {
            if (!(json.Read() && json.TokenType == JsonTokenType.Number && json.TryGetInt64(out var paper))) return null;
            if (!(json.Read() && json.TokenType == JsonTokenType.Number && json.TryGetDouble(out var score))) return null;
            if (!(json.Read() && json.TokenType == JsonTokenType.StartArray)) return null;
            named.Clear();
            var last = -1;
            while (json.Read() && json.TryGetInt32Number(out var index))
            {
                if ((uint)index >= (uint)labels.Count) return null;
                named.Add(labels[last = index]);
            }
            if (json.TokenType != JsonTokenType.EndArray || !json.Read()) return null;
            var from = used;
            if (json.TokenType == JsonTokenType.StartArray)
            {
                while (json.Read() && json.TryGetInt32Number(out var offset)) offsets[used++] = offset;
                if (json.TokenType != JsonTokenType.EndArray || !json.Read()) return null;
            }
            if (json.TokenType != JsonTokenType.EndArray) return null;
            IReadOnlyList<string> itemLabels = named.Count == 1 ? onlyLabel[last] ??= [named[0]] : named.ToArray();
            marked[items.Count] = (from, used - from);
            items.Add(new DigestItem(paper, itemLabels, score));
        }
        if (!(json.TokenType == JsonTokenType.EndArray && json.Read() && json.TokenType == JsonTokenType.EndObject && !json.Read())) return null;
        var all = offsets.AsSpan(0, used).ToArray();
        for (var i = 0; i < items.Count; i++)
        {
            if (marked[i].Count > 0) items[i].Marks = all.AsMemory(marked[i].From, marked[i].Count);
        }
        return items;
    }

    private static bool TryGetInt32Number(this ref Utf8JsonReader json, out int value)
    {
        value = 0;
        return json.TokenType == JsonTokenType.Number && json.TryGetInt32(out value);
    }

    /// <summary>
    /// One item as stored; <see cref="Topics"/> is what rows written before round 3 called the labels, and rows
    /// planned before highlights were decided at planning have no <see cref="Marks"/>.
    /// </summary>
    private sealed record Stored(long Paper, string[]? Labels, string[]? Topics, double Score, int[]? Marks);
}
