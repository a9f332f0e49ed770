using System.Buffers;
using System.Text;
using System.Text.Json;
using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// How a ledger row freezes its papers (a list in <c>frozen_lists</c> the row points at, or the row's own
/// <c>deliveries.items_json</c> for rows planned before migration 0025): a JSON array, one object per paper, e.g.
/// <c>[{"paper":42,"labels":["state-space-models","keyword:mamba"],"score":0.1,"marks":[0,5,17,28]}]</c>, where
/// <c>marks</c> (left out when empty) are the spans of the abstract to highlight (<see cref="DigestItem.Marks"/>).
/// Rows written by earlier
/// versions still read: JSON with <c>Paper</c>/<c>Topics</c>/<c>Score</c>, and the compact text of round 2
/// (see <see cref="CompactItemsText"/>).
/// </summary>
internal static class FrozenItems
{
    private static readonly JsonSerializerOptions ReadOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The JSON of <paramref name="items"/>.</summary>
    public static string Write(IReadOnlyList<DigestItem> items) => Encoding.UTF8.GetString(WriteUtf8(items, new ArrayBufferWriter<byte>()));

    /// <summary>The JSON of <paramref name="items"/> as UTF-8, in the caller's buffer (valid until its next use).</summary>
    public static ReadOnlySpan<byte> WriteUtf8(IReadOnlyList<DigestItem> items, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                json.WriteStartObject();
                json.WriteNumber("paper", item.Paper);
                json.WriteStartArray("labels");
                foreach (var label in item.Labels) json.WriteStringValue(label);
                json.WriteEndArray();
                json.WriteNumber("score", item.Score);
                if (item.Marks is { Length: > 0 } marks)
                {
                    json.WriteStartArray("marks");
                    foreach (var offset in marks) json.WriteNumberValue(offset);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return buffer.WrittenSpan;
    }

    /// <summary>Reads a row's frozen items in any format it was written in; throws on anything else (JsonException, FormatException).</summary>
    public static IReadOnlyList<DigestItem> Read(string text)
    {
        if (CompactItemsText.Holds(text)) return CompactItemsText.Read(text);
        if (text.Length == 0 || text[0] != '[') throw new FormatException("Frozen digest items are in an unknown format");
        // The UTF-8 copy in a pooled buffer: a sender reads one list (~2 KB) per digest.
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            if (ReadWritten(utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, utf8))) is { } items) return items;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
        var stored = JsonSerializer.Deserialize<List<Stored>>(text, ReadOptions) ?? [];
        return stored.Select(s => new DigestItem(s.Paper, s.Labels ?? s.Topics ?? [], s.Score) { Marks = s.Marks }).ToList();
    }

    /// <summary>
    /// The JSON as <see cref="WriteUtf8"/> writes it, read in one pass (a sender reads one list per digest); null for
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
