using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

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

    /// <summary>A model of term weights by <see cref="PaperTerms.Key"/>.</summary>
    public TasteModel(IReadOnlyDictionary<ulong, float> profile, IReadOnlyList<TasteExample> liked, IReadOnlyList<long> marked)
    {
        Profile = profile;
        Liked = liked;
        Marked = marked;
    }

    /// <summary>Term weights by key, strongest first: positive for liked, negative for disliked words.</summary>
    public IReadOnlyDictionary<ulong, float> Profile { get; }

    /// <summary>The most recent liked papers with their strongest terms.</summary>
    public IReadOnlyList<TasteExample> Liked { get; }

    /// <summary>Every paper the reader marked either way: never recommended back to them.</summary>
    public IReadOnlyList<long> Marked { get; }

    /// <summary>True when nothing was liked: such a model recommends nothing.</summary>
    public bool IsEmpty => Liked.Count == 0;

    /// <summary>
    /// Builds the model from a reader's marks, newest first: terms counted by key (<see cref="PaperTerms.KeysOf(string,
    /// string, Dictionary{ulong, string})"/>), their words noted only to order equally strong terms as by word.
    /// </summary>
    public static TasteModel Build(IReadOnlyList<MarkedPaper> marks)
    {
        var liked = marks.Where(m => m.Liked).ToList();
        var disliked = marks.Where(m => !m.Liked).ToList();
        var words = new Dictionary<ulong, string>();
        var profile = new Dictionary<ulong, float>();
        var examples = new List<TasteExample>();
        var shared = new Dictionary<ulong, int>();
        foreach (var mark in liked)
        {
            var terms = PaperTerms.KeysOf(mark.Title, mark.Abstract, words);
            Add(profile, terms, 1f / liked.Count);
            foreach (var (term, _) in terms) shared[term] = shared.GetValueOrDefault(term) + 1;
            if (examples.Count < Examples)
                examples.Add(new TasteExample(mark.PaperId, mark.Title, Strongest(terms, ExampleTerms, words)));
        }
        // What a reader likes is what their liked papers share: a word in one of five is that paper's subject, a word
        // in all five is theirs. Scaling by the share keeps one paper's rare words from outweighing the common thread,
        // which IDF alone favours (with word pairs: 0.57 -> 0.61 at k = 5, see tests/BENCHMARKS.md "for-you").
        foreach (var (term, count) in shared) profile[term] *= (float)count / liked.Count;
        foreach (var mark in disliked)
            Add(profile, PaperTerms.KeysOf(mark.Title, mark.Abstract, words), -DislikeWeight / disliked.Count);
        return new TasteModel(Strongest(profile, ProfileTerms, words), examples, marks.Select(m => m.PaperId).Distinct().ToList());
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

        static int Terms(IReadOnlyDictionary<ulong, float> terms) => 4 + 12 * terms.Count;
    }

    /// <summary>
    /// A model stored as JSON before models were packed (migration 0028), its terms named by word: read once, to be
    /// packed, each word keyed as <see cref="Build"/> keys it.
    /// </summary>
    public static TasteModel FromJson(string json)
    {
        var stored = JsonSerializer.Deserialize<StoredModel>(json, Json) ?? throw new JsonException("empty taste model");
        return new TasteModel(Keyed(stored.Profile), stored.Liked.Select(l => new TasteExample(l.PaperId, l.Title, Keyed(l.Terms))).ToList(), stored.Marked);

        static Dictionary<ulong, float> Keyed(Dictionary<string, float> terms) => terms.ToDictionary(t => PaperTerms.Key(t.Key), t => t.Value);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The JSON layout of <c>reader_models</c>.</summary>
    private sealed record StoredModel(Dictionary<string, float> Profile, List<StoredExample> Liked, List<long> Marked);

    private sealed record StoredExample(long PaperId, string Title, Dictionary<string, float> Terms);

    private static void Write(Span<byte> span, ref int at, IReadOnlyDictionary<ulong, float> terms)
    {
        Write(span, ref at, terms.Count);
        foreach (var (term, weight) in terms)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], term);
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

    private static void Add(Dictionary<ulong, float> profile, List<(ulong Key, float Weight)> terms, float scale)
    {
        foreach (var (term, weight) in terms) profile[term] = profile.GetValueOrDefault(term) + weight * scale;
    }

    // Equally strong terms go in their words' order, as when models were built by word: which of them the cut keeps
    // stays what it was (tests/…/TasteModelTests pins the packed models of the fixture readers).
    private static Dictionary<ulong, float> Strongest(IEnumerable<KeyValuePair<ulong, float>> terms, int max, Dictionary<ulong, string> words) =>
        terms.Where(t => t.Value != 0).OrderByDescending(t => Math.Abs(t.Value)).ThenBy(t => words[t.Key], StringComparer.Ordinal).Take(max)
            .ToDictionary(t => t.Key, t => t.Value);

    private static Dictionary<ulong, float> Strongest(List<(ulong Key, float Weight)> terms, int max, Dictionary<ulong, string> words) =>
        Strongest(terms.Select(t => KeyValuePair.Create(t.Key, t.Weight)), max, words);
}
