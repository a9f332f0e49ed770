using Newsletter.Listings;

namespace Newsletter.ForYou;

/// <summary>
/// Changes a reader's marks and keeps their taste model in step: every change rebuilds the model from all their
/// marks at once (marks change rarely; digests are planned often, so the model is never built per digest).
/// </summary>
public sealed class ReaderTaste(MarkStore marks, TasteModelStore models, PaperStore papers, TimeProvider clock, ILogger<ReaderTaste> logger)
{
    /// <summary>Most papers one "papers I like" form may name.</summary>
    public const int MaxLikedPerForm = 20;

    /// <summary>Marks a paper for a reader; returns the mark it had before (null for none).</summary>
    public string? Mark(long subscriberId, long paperId, string kind, string source)
    {
        var before = marks.Find(subscriberId, paperId);
        if (before == kind) return before;
        marks.Set(subscriberId, paperId, kind, source, clock.GetUtcNow());
        Rebuild(subscriberId);
        return before;
    }

    /// <summary>Puts a paper's mark back to what it was (<paramref name="previous"/> null: no mark).</summary>
    public void Restore(long subscriberId, long paperId, string? previous)
    {
        if (previous is null) marks.Remove(subscriberId, paperId);
        else marks.Set(subscriberId, paperId, previous, MarkStore.FromDigest, clock.GetUtcNow());
        Rebuild(subscriberId);
    }

    /// <summary>Removes one mark; false when there was none.</summary>
    public bool Remove(long subscriberId, long paperId)
    {
        if (!marks.Remove(subscriberId, paperId)) return false;
        Rebuild(subscriberId);
        return true;
    }

    /// <summary>Removes every mark and the model.</summary>
    public int Reset(long subscriberId)
    {
        var removed = marks.Reset(subscriberId);
        models.Delete(subscriberId);
        return removed;
    }

    /// <summary>The stored paper with the id a reader wrote (an arXiv id or URL), or null.</summary>
    public Paper? FindPaper(string written) =>
        ArxivId.Normalize(written) is { } id && marks.PaperByArxivId(id) is { } paperId ? papers.Get([paperId]).FirstOrDefault() : null;

    /// <summary>Every mark of the reader, newest first.</summary>
    public IReadOnlyList<ReaderMark> Marks(long subscriberId) => marks.ForReader(subscriberId);

    /// <summary>The paper a digest link names, or null.</summary>
    public Paper? FindPaper(long paperId) => papers.Get([paperId]).FirstOrDefault();

    private void Rebuild(long subscriberId)
    {
        var learnable = marks.Learnable(subscriberId);
        if (learnable.Count == 0)
        {
            models.Delete(subscriberId);
            return;
        }
        models.Save(subscriberId, TasteModel.Build(learnable), clock.GetUtcNow());
        logger.LogDebug("Taste model of subscriber {Id} rebuilt from {Marks} marks", subscriberId, learnable.Count);
    }
}
