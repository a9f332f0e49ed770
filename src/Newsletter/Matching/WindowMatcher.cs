using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Matching;

/// <summary>
/// The one matcher: evaluates filters over a <see cref="MatchWindow"/>, each distinct filter once, and ranks a
/// reader's papers through <see cref="Top"/>, which the planner, every preview, <c>/papers</c> search, the topic
/// feeds and the <c>preview</c> verb all call. One instance per planning run or request, with a store of its own on
/// the window's in-memory index (<see cref="WindowIndexStore"/>).
/// Keywords are checked and translated by <see cref="ReaderQuery"/>; every query runs under a <see cref="QueryBudget"/>:
/// in a planning run each filter's query gets its own and one that spends it is skipped with a warning; in a request
/// the budget covers the request's own queries (not the shared window nor its catalog topics, computed once for every
/// preview) and spending it (or the client leaving) throws.
/// </summary>
internal sealed class WindowMatcher : IDisposable
{
    private const int PlanningStepsPerCheck = 50_000;

    private readonly MatchWindow _window;
    private readonly WindowIndexStore _store;
    private readonly TopicCatalog _topics;
    private readonly QueryOptions _limits;
    private readonly QueryBudget _budget;
    private readonly TimeSpan _perQuery;
    private readonly bool _forRequest;
    private readonly ILogger _logger;
    // Results by label: a filter's label names it uniquely (a keyword's carries its kind), and it is how a ranked
    // item names its filters. A label's slot stays for the run once asked (it counts the distinct filters); its result
    // may be released once its readers are done (see ExpectUses). Slots are keyed by the label's hash, not its text:
    // a run counts every keyword its readers name from the start (100,000 at 1,000,000 readers, most matching
    // nothing), and a string and an object each for the run were ~8 MB of its peak (BENCHMARKS). XXH3's 128 bits
    // with a seed drawn per matcher, as FrozenLists keys its lists: a chance collision is ~2^-128 a pair. Kept as two
    // longs: a UInt128 key is aligned to 16 bytes, which padded each of the table's entries from 40 bytes to 48.
    private readonly Dictionary<(ulong, ulong), Slot> _slots = [];
    private readonly long _seed = Random.Shared.NextInt64();
    // Slots whose counted uses ran out since the last Release: their results go then, after the page is marked.
    private readonly List<(ulong, ulong)> _usedUp = [];
    // Reused from query to query: a run evaluates up to one filter per ten readers, and only each result's own
    // arrays are kept for the run.
    private readonly List<FilterHit> _hits = [];
    private AbstractMarks? _marks;
    // The budget as the store's managed matching asks it (made once: a run asks it for every filter).
    private readonly Func<bool> _spent;

    /// <param name="window">The window to match in; the caller keeps it open while the matcher is in use.</param>
    /// <param name="store">A store of the matcher's own on the window's index; the matcher disposes it.</param>
    /// <param name="requestAborted">
    /// Null in a planning run; in a web request, the request's abort token: the request's queries then share one
    /// budget of <see cref="QueryOptions.RequestBudgetMs"/>.
    /// </param>
    public WindowMatcher(MatchWindow window, WindowIndexStore store, TopicCatalog topics, QueryOptions limits,
        TimeProvider clock, ILogger logger, CancellationToken? requestAborted = null)
    {
        _window = window;
        _store = store;
        _topics = topics;
        _limits = limits;
        _logger = logger;
        _forRequest = requestAborted is not null;
        _perQuery = TimeSpan.FromMilliseconds(_forRequest ? limits.RequestBudgetMs : limits.PlanningBudgetMs);
        // A run's budget is seconds, so it is checked far less often: every 1,000 steps made a 100,000-reader plan
        // measurably slower (tests/BENCHMARKS.md, 2026-12-01). The budget is on the store's own connection, so it
        // times the matcher's queries and nothing else.
        _budget = _forRequest
            ? QueryBudget.Start(store.Connection, _perQuery, clock, requestAborted!.Value)
            : QueryBudget.Start(store.Connection, _perQuery, clock, stepsPerCheck: PlanningStepsPerCheck);
        _spent = () => _budget.Spent;
    }

    public long Low => _window.Low;
    public long High => _window.High;

    /// <summary>Every paper in the window.</summary>
    public IReadOnlyDictionary<long, WindowPaper> Papers => _window.Papers;

    /// <summary>Distinct filters asked for so far.</summary>
    public int DistinctFilters { get; private set; }

    /// <summary>Full-text queries actually run (never more than <see cref="DistinctFilters"/>, unless a released result was asked again).</summary>
    public int QueriesRun { get; private set; }

    /// <summary>
    /// Tells a planning run how many of its readers name each keyword (<paramref name="uses"/>: the keyword's query and
    /// its count): a keyword's result is then released by the first <see cref="Release"/> after its last use, so a
    /// run holds the keywords of the readers still to come rather than every keyword it met. A keyword asked for
    /// more often than counted (a reader who changed filters meanwhile) is evaluated again: the window is the same,
    /// so is its result. Filters not counted (topics, named by nearly everyone) are kept for the run.
    /// </summary>
    public void ExpectUses(IEnumerable<(string Keyword, int Uses)> uses)
    {
        // Sized once, with room for the topics and keywords not counted: grown by doubling, the run's largest table
        // held ~75% more entries than it needed, on the large-object heap beside its dead smaller copies.
        if (uses.TryGetNonEnumeratedCount(out var counted)) _slots.EnsureCapacity(_slots.Count + counted + counted / 8 + 64);
        var queries = new List<string>();
        foreach (var (keyword, count) in uses)
        {
            if (count <= 0) continue;
            _slots[Key(FilterLabel.For(SubscriberFilter.Keyword, keyword))] = new Slot { Left = count };
            if (ReaderQuery.Translate(keyword, _limits, out _) is { } query) queries.Add(query);
        }
        // Their words learnt in a few statements rather than one a keyword (see WindowIndexStore.Learn): the run's
        // setup, not a filter's query, so no filter's budget pays for it.
        _budget.Restart(TimeSpan.MaxValue);
        _store.Learn(queries);
        // A run asks nearly every term of its window: one scan of the index reads them all.
        _store.ReadPostings();
    }

    /// <summary>Releases the results whose counted uses ran out (see <see cref="ExpectUses"/>); call it once the page that used them is marked.</summary>
    public void Release()
    {
        foreach (var key in _usedUp) _slots[key] = new Slot { Left = Slot.Released };
        _usedUp.Clear();
    }

    /// <summary>The filter's matches in the window, evaluated on first use; empty for unknown topics and broken queries.</summary>
    public FilterResult Get(SubscriberFilter filter) => Get(filter.Kind, filter.Value);

    /// <inheritdoc cref="Get(SubscriberFilter)"/>
    public FilterResult Get(string kind, string value) => Get(kind, value.AsSpan());

    /// <inheritdoc cref="Get(SubscriberFilter)"/>
    public FilterResult Get(string kind, ReadOnlySpan<char> value)
    {
        // Looked up by its label without making a string (a topic's is its slug, a keyword's "keyword:" + its query),
        // four filter rows a reader: the label's string is made once, for the result.
        var prefix = kind == SubscriberFilter.Keyword ? FilterLabel.KeywordPrefix : "";
        var length = prefix.Length + value.Length;
        Span<char> label = length <= 256 ? stackalloc char[length] : new char[length];
        prefix.CopyTo(label);
        value.CopyTo(label[prefix.Length..]);
        var key = Key(label);
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, key, out _);
        if (slot.Result is null)
        {
            if (slot.Left == Slot.Released) slot.Left = 0;
            else DistinctFilters++;
            var text = label.ToString();
            var result = Evaluate(kind, text[prefix.Length..], text);
            // Found again rather than trusting the reference across the query (evaluating adds no slot today).
            slot = ref CollectionsMarshal.GetValueRefOrNullRef(_slots, key);
            slot.Result = result;
        }
        if (slot.Left > 0 && --slot.Left == 0) _usedUp.Add(key);
        return slot.Result;
    }

    private (ulong, ulong) Key(ReadOnlySpan<char> label)
    {
        var hash = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(label), _seed);
        return ((ulong)(hash >> 64), (ulong)hash);
    }

    private FilterResult Evaluate(string kind, string value, string label)
    {
        var shared = kind == SubscriberFilter.Topic ? _window.SharedTopics : null;
        if (shared is null) return Evaluate(new SubscriberFilter(kind, value), label);
        if (shared.TryGetValue(value, out var result)) return result;
        // A catalog topic in a shared window is computed once for every preview until a paper changes, and
        // its cost is bounded by the catalog and the window: it is not charged to the request that happens to
        // ask first, which under load could never finish it, so no preview of that topic ever succeeded.
        var left = _budget.Remaining;
        _budget.Restart(TimeSpan.MaxValue);
        try
        {
            result = Evaluate(new SubscriberFilter(kind, value), label);
        }
        finally
        {
            _budget.Restart(left);
        }
        shared.TryAdd(value, result);
        return result;
    }

    /// <summary>
    /// Reads the postings of <paramref name="query"/>'s terms that the window has not read yet, outside the query's
    /// budget: they are kept for every later query on the window, and all of them together cost one scan of its index,
    /// so they are the window's cost (as a shared topic is), not the query's that happens to ask first. Charged to it,
    /// a costly query could never finish the read and every later one would pay it again. The caller's cancellation
    /// still stops it.
    /// </summary>
    private void ReadPostings(string query)
    {
        var left = _budget.Remaining;
        _budget.Restart(TimeSpan.MaxValue);
        try
        {
            _store.ReadPostings(query);
        }
        finally
        {
            _budget.Restart(left);
        }
    }

    /// <summary>
    /// The reader's top <paramref name="max"/> papers among <paramref name="filters"/>' matches that are new to them,
    /// in <paramref name="order"/> (see <see cref="Ranking"/>): the one ranking every digest and preview goes through.
    /// </summary>
    public IReadOnlyList<DigestItem> Top(ReadOnlySpan<FilterResult> filters, NewPapers isNew, int max, DigestOrder order) =>
        Ranking.Top(filters, isNew, max, order, _marks);

    /// <summary>
    /// Decides each ranked item's <see cref="DigestItem.Marks"/>: the words of its abstract the queries of its labels
    /// matched (see <see cref="AbstractMarks"/>).
    /// </summary>
    public void Mark(IReadOnlyList<IReadOnlyList<DigestItem>> lists)
    {
        // Decided highlights are kept in this matcher's own MarkBook and named from the results by handle: a shared
        // window's topics serve every request, and a handle from one request's book would be read in another's.
        if (_window.SharedTopics is not null)
            throw new InvalidOperationException("a shared window's results are not marked: each request's highlights are its own");
        // A run asks most of its window's papers for many queries: it reads their tokens once (a request asks few).
        if (!_forRequest) _store.ReadTokens();
        (_marks ??= new AbstractMarks(_store, label => _slots.GetValueOrDefault(Key(label)).Result)).Mark(lists);
    }

    /// <summary>How many distinct papers new to the reader <paramref name="filters"/> match.</summary>
    public static int CountNew(ReadOnlySpan<FilterResult> filters, NewPapers isNew)
    {
        var matched = new HashSet<long>();
        foreach (var result in filters)
        {
            for (var i = 0; i < result.Count; i++)
            {
                var paper = result.PaperAt(i);
                if (isNew.Contains(paper)) matched.Add(paper);
            }
        }
        return matched.Count;
    }

    private FilterResult Evaluate(SubscriberFilter filter, string label)
    {
        string? query, problem = null;
        if (filter.Kind == SubscriberFilter.Topic) query = _topics.Find(filter.Value)?.Query;
        else query = ReaderQuery.Translate(filter.Value, _limits, out problem);
        if (problem is not null)
        {
            // Stored before today's rules (or imported): it must not cost every run, nor break it for everyone else.
            _logger.LogWarning("Skipping the keyword filter '{Query}': {Problem}", filter.Value, problem);
            return FilterResult.None;
        }
        if (string.IsNullOrWhiteSpace(query) || Papers.Count == 0) return FilterResult.None;
        QueriesRun++;
        var hits = _hits;
        hits.Clear();
        FlatRelevance? relevance;
        if (!_forRequest) _budget.Restart(_perQuery);
        try
        {
            ReadPostings(query);
            relevance = _store.Match(query, Papers, hits, _spent);
        }
        catch (SqliteException e) when (QueryBudget.IsInterruption(e))
        {
            if (_budget.Cancelled) throw new OperationCanceledException("the request was aborted", e);
            if (_forRequest) throw new QueryBudgetSpentException(_perQuery);
            _logger.LogWarning("Skipping the {Kind} filter '{Query}' this run: it ran longer than Queries:PlanningBudgetMs ({Budget} ms)",
                filter.Kind, filter.Value, _limits.PlanningBudgetMs);
            return FilterResult.None;
        }
        catch (SqliteException e)
        {
            // A query that FTS5 refuses must not break the run for everyone else.
            _logger.LogWarning("Skipping the {Kind} filter '{Query}': not a valid full-text query ({Message})", filter.Kind, query, e.Message);
            return FilterResult.None;
        }
        finally
        {
            // A run's budget times each filter's query alone: left armed, it interrupted the next statement on this
            // connection (once the page of readers, now the page's highlights) when a slow page outlasted it.
            if (!_forRequest) _budget.Restart(TimeSpan.MaxValue);
        }
        // A filter that matched nothing (most keywords) adds no item and no label to any digest: all share one result.
        if (hits.Count == 0) return FilterResult.None;
        // A topic is named by nearly every reader, so each reader's papers are looked up in it: in one step.
        return new FilterResult(label, CollectionsMarshal.AsSpan(hits), query, dense: filter.Kind == SubscriberFilter.Topic, _window.Upvotes,
            relevance, _store.Frequencies);
    }

    public void Dispose()
    {
        _budget.Dispose();
        _store.Dispose();
    }

    /// <summary>A label's place in the run: its result while held, and how many counted uses are left.</summary>
    private record struct Slot(FilterResult? Result, int Left)
    {
        /// <summary><see cref="Left"/> of a slot whose result was released: asked again, it is evaluated again.</summary>
        public const int Released = -1;
    }
}
