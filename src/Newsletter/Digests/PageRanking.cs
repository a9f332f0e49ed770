using System.Runtime.ExceptionServices;
using Newsletter.ForYou;
using Newsletter.Matching;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// Ranks a planning page's readers (<see cref="DigestPlanner.Plan"/>, each reader on their own) on up to
/// <c>workers</c> threads: the page is cut into short runs of readers that the threads take in turn, and each digest
/// lands at its reader's place, so the page comes out in reader order whoever ranked it. What the readers share is
/// read-only while they are ranked (the window, the evaluated filters, the page's taste models, read beforehand);
/// what each thread changes is its own (a taste scorer per thread).
/// </summary>
internal sealed class PageRanking
{
    // Readers a thread takes at a time: small enough that a thread held up (by the writer, by a collection) leaves
    // little for the other to wait on, large enough that taking them costs nothing next to ranking them.
    private const int RunLength = 50;

    private readonly DigestPlanner _planner;
    private readonly WindowMatcher _matcher;
    private readonly TasteStep? _taste;
    private readonly TasteScorer?[] _scorers;
    private readonly DateTimeOffset _at;
    private readonly Action<Subscriber, PlannedDigest>? _onDigest;

    public PageRanking(DigestPlanner planner, WindowMatcher matcher, TasteStep? taste, int workers, DateTimeOffset at,
        Action<Subscriber, PlannedDigest>? onDigest)
    {
        (_planner, _matcher, _taste, _at, _onDigest) = (planner, matcher, taste, at, onDigest);
        _scorers = new TasteScorer?[Math.Max(1, workers)];
    }

    /// <summary>Readers ranked so far whose digest holds no paper.</summary>
    public int Empty { get; private set; }

    /// <summary>
    /// The page's digests in reader order (<paramref name="page"/>'s <see cref="DuePage.Times"/> set); hands each to
    /// the run's <c>onDigest</c>, in order, on the calling thread.
    /// </summary>
    public PlannedDigest[] Rank(DuePage page)
    {
        var count = page.Readers.Count;
        var models = _taste?.Models(page.Readers);
        var digests = new PlannedDigest[count];
        var runs = (count + RunLength - 1) / RunLength;
        var threads = Math.Min(_scorers.Length, runs);
        if (threads <= 1) RankRun(page, models, digests, 0, count, worker: 0);
        else
        {
            var next = -1;
            try
            {
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker =>
                {
                    for (int run; (run = Interlocked.Increment(ref next)) < runs;)
                        RankRun(page, models, digests, run * RunLength, Math.Min(count, (run + 1) * RunLength), worker);
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }
        }
        for (var i = 0; i < count; i++)
        {
            _onDigest?.Invoke(page.Readers[i], digests[i]);
            if (digests[i].Items.Count == 0) Empty++;
        }
        return digests;
    }

    private void RankRun(DuePage page, byte[]?[]? models, PlannedDigest[] digests, int from, int to, int worker)
    {
        var scorer = _taste is null ? null : _scorers[worker] ??= _taste.NewScorer();
        for (var i = from; i < to; i++)
        {
            var (periodKey, nextDue) = page.Times[i];
            digests[i] = _planner.Plan(page.Readers[i], page.FiltersOf(i), _matcher, scorer, models?[i], _at, periodKey, nextDue);
        }
    }
}
