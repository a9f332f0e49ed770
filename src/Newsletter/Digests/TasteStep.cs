using Newsletter.Matching;
using Newsletter.ForYou;

namespace Newsletter.Digests;

/// <summary>
/// A planning run's use of readers' taste (issue 16): for a reader with a <see cref="TasteModel"/>, the ranked papers
/// move a few places by taste, and up to three papers of the window that none of their filters matched are added as
/// "Recommended for you", labelled <see cref="RecommendedLabel"/> + the liked paper each resembles. Readers without
/// marks get their items back untouched. Built once per run, and only when some reader has a model.
/// </summary>
internal sealed class TasteStep
{
    /// <summary>The label prefix of a recommended item; the rest of the label is the title of the liked paper it resembles.</summary>
    public const string RecommendedLabel = "for-you:";

    // Models are read ahead in id order, since readers come in id order: one model at first (a preview needs only
    // one), doubling on each miss up to this many per query. They stay packed until their reader comes.
    private const int MaxReadAhead = 512;

    private readonly TasteModelStore _models;
    private readonly HashSet<long> _readers;
    private readonly TasteScorer _scorer;
    private readonly Dictionary<long, byte[]> _ahead = [];
    private int _readAhead = 1;

    private TasteStep(TasteModelStore models, HashSet<long> readers, WindowTerms window)
    {
        _models = models;
        _readers = readers;
        _scorer = new TasteScorer(window);
    }

    /// <summary>The step for the window (<paramref name="low"/>, <paramref name="high"/>], or null when no reader has marks.</summary>
    public static TasteStep? Open(TasteModelStore models, long low, long high)
    {
        var readers = models.Readers();
        return readers.Count == 0 ? null : new TasteStep(models, readers, new WindowTerms(models.WindowPapers(low, high)));
    }

    /// <summary>
    /// The step for one reader's preview over the window (<paramref name="low"/>, <paramref name="high"/>], or null
    /// when that reader has no marks: a preview pays for the window's terms only when its reader has a model.
    /// </summary>
    public static TasteStep? OpenFor(TasteModelStore models, long readerId, long low, long high) =>
        models.Find(readerId) is null ? null : new TasteStep(models, [readerId], new WindowTerms(models.WindowPapers(low, high)));

    /// <summary><paramref name="items"/> with the reader's taste applied (the same list when they have no model).</summary>
    public IReadOnlyList<DigestItem> Apply(long readerId, IReadOnlyList<DigestItem> items, ReadOnlySpan<FilterResult> filters, NewPapers isNew)
    {
        if (!_readers.Contains(readerId) || Model(readerId) is not { } model) return items;
        _scorer.Load(model);
        var ranked = TasteRanking.Reorder(items, i => i.Paper, _scorer);
        // What any of the reader's filters matched is theirs already, new or not: only the rest is scored for the section.
        foreach (var filter in filters)
            for (var i = 0; i < filter.Count; i++) _scorer.Exclude(filter.PaperAt(i));
        var recommended = TasteRanking.Recommend(_scorer, isNew.Contains);
        foreach (var r in recommended)
            ranked.Add(new DigestItem(r.PaperId, [RecommendedLabel + (r.ResemblesTitle ?? "")], Math.Round(r.Score, 4)));
        return ranked;
    }

    /// <summary>The reader's stored model (packed), read ahead with the readers after them.</summary>
    private byte[]? Model(long readerId)
    {
        if (_ahead.Remove(readerId, out var model)) return model;
        _ahead.Clear();
        foreach (var (id, read) in _models.From(readerId, _readAhead)) _ahead[id] = read;
        _readAhead = Math.Min(_readAhead * 2, MaxReadAhead);
        return _ahead.Remove(readerId, out model) ? model : null;
    }
}
