using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Newsletter.ForYou;

/// <summary>
/// One reader's taste, learnt from their marks: a profile of term weights (liked papers' terms up, disliked papers'
/// terms down, Rocchio style) and the liked papers themselves, so a recommendation can say which one it resembles.
/// Built when the reader's marks change and stored packed (<see cref="Pack"/>); scoring applies the run window's IDF
/// (see <see cref="WindowTerms"/>).
/// </summary>
public sealed class TasteModel
{
    /// <summary>How many terms the profile keeps: the strongest, whatever their sign.</summary>
    public const int ProfileTerms = 200;

    /// <summary>How many liked papers a model remembers for "resembles …" (the most recent).</summary>
    public const int Examples = 10;

    // Enough to tell liked papers apart; kept small because planning reads every marked reader's model.
    private const int ExampleTerms = 25;

    // A "less like this" pulls half as hard as a "more like this" pushes: a reader marks down to say "not this
    // corner of my topic", not "nothing with these words" (measured: see tests/BENCHMARKS.md, for-you).
    private const float DislikeWeight = 0.5f;

    [JsonConstructor]
    public TasteModel(IReadOnlyDictionary<string, float> profile, IReadOnlyList<TasteExample> liked, IReadOnlyList<long> marked)
    {
        Profile = profile;
        Liked = liked;
        Marked = marked;
    }

    /// <summary>Term weights: positive for liked, negative for disliked words.</summary>
    public IReadOnlyDictionary<string, float> Profile { get; }

    /// <summary>The most recent liked papers with their strongest terms.</summary>
    public IReadOnlyList<TasteExample> Liked { get; }

    /// <summary>Every paper the reader marked either way: never recommended back to them.</summary>
    public IReadOnlyList<long> Marked { get; }

    /// <summary>True when nothing was liked: such a model recommends nothing.</summary>
    [JsonIgnore]
    public bool IsEmpty => Liked.Count == 0;

    /// <summary>Builds the model from a reader's marks, newest first.</summary>
    public static TasteModel Build(IReadOnlyList<MarkedPaper> marks)
    {
        var liked = marks.Where(m => m.Liked).ToList();
        var disliked = marks.Where(m => !m.Liked).ToList();
        var profile = new Dictionary<string, float>(StringComparer.Ordinal);
        var examples = new List<TasteExample>();
        var shared = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var mark in liked)
        {
            var terms = PaperTerms.Of(mark.Title, mark.Abstract);
            Add(profile, terms, 1f / liked.Count);
            foreach (var term in terms.Keys) shared[term] = shared.GetValueOrDefault(term) + 1;
            if (examples.Count < Examples)
                examples.Add(new TasteExample(mark.PaperId, mark.Title, Strongest(terms, ExampleTerms)));
        }
        // What a reader likes is what their liked papers share: a word in one of five is that paper's subject, a word
        // in all five is theirs. Scaling by the share keeps one paper's rare words from outweighing the common thread,
        // which IDF alone favours (with word pairs: 0.57 -> 0.61 at k = 5, see tests/BENCHMARKS.md "for-you").
        foreach (var (term, count) in shared) profile[term] *= (float)count / liked.Count;
        foreach (var mark in disliked)
            Add(profile, PaperTerms.Of(mark.Title, mark.Abstract), -DislikeWeight / disliked.Count);
        return new TasteModel(Strongest(profile, ProfileTerms), examples, marks.Select(m => m.PaperId).Distinct().ToList());
    }

    /// <summary>The first byte of a packed model: the layout <see cref="Pack"/> writes.</summary>
    internal const byte PackedFormat = 1;

    /// <summary>
    /// The model as stored and read by planning (<see cref="TasteScorer.Load(byte[])"/>), little-endian: the format
    /// byte; the profile (count, then each term's <see cref="PaperTerms.Key"/> and float32 weight); the marked paper
    /// ids (count, int64 each); the liked papers last (count, then each one's id, its title as a UTF-8 length and
    /// bytes, and its terms as the profile's), since planning reads them only for a recommendation.
    /// </summary>
    public byte[] Pack()
    {
        var titles = Liked.Select(l => Encoding.UTF8.GetBytes(l.Title)).ToList();
        var size = 1 + Terms(Profile) + 4 + 8 * Marked.Count + 4 + Liked.Select((l, i) => 8 + 4 + titles[i].Length + Terms(l.Terms)).Sum();
        var packed = new byte[size];
        var span = packed.AsSpan();
        span[0] = PackedFormat;
        var at = 1;
        Write(span, ref at, Profile);
        Write(span, ref at, Marked.Count);
        foreach (var id in Marked) Write(span, ref at, id);
        Write(span, ref at, Liked.Count);
        for (var i = 0; i < Liked.Count; i++)
        {
            Write(span, ref at, Liked[i].PaperId);
            Write(span, ref at, titles[i].Length);
            titles[i].CopyTo(span[at..]);
            at += titles[i].Length;
            Write(span, ref at, Liked[i].Terms);
        }
        return packed;

        static int Terms(IReadOnlyDictionary<string, float> terms) => 4 + 12 * terms.Count;
    }

    /// <summary>A model stored as JSON before models were packed (migration 0028): read once, to be packed.</summary>
    public static TasteModel FromJson(string json) =>
        JsonSerializer.Deserialize<TasteModel>(json, Json) ?? throw new JsonException("empty taste model");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static void Write(Span<byte> span, ref int at, IReadOnlyDictionary<string, float> terms)
    {
        Write(span, ref at, terms.Count);
        foreach (var (term, weight) in terms)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], PaperTerms.Key(term));
            BinaryPrimitives.WriteSingleLittleEndian(span[(at + 8)..], weight);
            at += 12;
        }
    }

    private static void Write(Span<byte> span, ref int at, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], value);
        at += 4;
    }

    private static void Write(Span<byte> span, ref int at, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], value);
        at += 8;
    }

    private static void Add(Dictionary<string, float> profile, Dictionary<string, float> terms, float scale)
    {
        foreach (var (term, weight) in terms) profile[term] = profile.GetValueOrDefault(term) + weight * scale;
    }

    private static Dictionary<string, float> Strongest(Dictionary<string, float> terms, int max) =>
        terms.Where(t => t.Value != 0).OrderByDescending(t => Math.Abs(t.Value)).ThenBy(t => t.Key, StringComparer.Ordinal).Take(max)
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
}
