using System.Data.Common;
using Newsletter.Matching;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// The readers due at one time, in pages of ascending id (so a run never holds them all), each reader's filters
/// as their results in the run's window (each distinct filter evaluated once, by the matcher). With
/// <c>claimPages</c> (PostgreSQL) each page is claimed before it is read and a page another node holds is skipped
/// (<see cref="DueReaderStore"/>); the planner ends a page's claim once the page is written.
/// </summary>
internal sealed class DuePages : IDisposable
{
    private readonly DueReaderStore _store;
    private readonly List<Subscriber> _readers = [];
    private readonly List<int> _firstFilter = [];
    private readonly List<FilterResult> _filters = [];
    private readonly FilterRow _onFilter;
    private FilterResult[] _filterArray = [];
    private WindowMatcher? _matcher;
    private long _after;

    public DuePages(DbConnection connection, DateTimeOffset at, int pageSize, bool claimPages, bool emails)
    {
        _store = new DueReaderStore(connection, at, pageSize, claimPages, emails);
        _onFilter = (reader, keyword, value) =>
        {
            // Filters come in reader order: every reader up to this one starts where the filters so far end.
            while (_firstFilter.Count <= reader) _firstFilter.Add(_filters.Count);
            _filters.Add(_matcher!.Get(keyword ? SubscriberFilter.Keyword : SubscriberFilter.Topic, value));
        };
    }

    /// <summary>The readers of the current page.</summary>
    public IReadOnlyList<Subscriber> Readers => _readers;

    /// <summary>The filters of the current page's reader at <paramref name="index"/>, as results in the window.</summary>
    public ReadOnlySpan<FilterResult> FiltersOf(int index)
    {
        var first = _firstFilter[index];
        var end = index + 1 < _firstFilter.Count ? _firstFilter[index + 1] : _filters.Count;
        return _filterArray.AsSpan(first, end - first);
    }

    /// <summary>Reads the next page, evaluating each filter not seen before; false when no reader is left.</summary>
    public bool Next(WindowMatcher matcher)
    {
        _matcher = matcher;
        _readers.Clear();
        _firstFilter.Clear();
        _filters.Clear();
        if (_store.ClaimsPages && !ClaimNext()) return false;
        _store.ReadPage(_after, _readers, _onFilter);
        // Readers without filters (and those after the last one with any) start where the filters end.
        while (_firstFilter.Count < _readers.Count) _firstFilter.Add(_filters.Count);
        if (_readers.Count == 0) return false;
        _after = _readers[^1].Id;
        if (_filterArray.Length < _filters.Count) _filterArray = new FilterResult[Math.Max(_filters.Count, _filterArray.Length * 2)];
        _filters.CopyTo(_filterArray);
        return true;
    }

    /// <summary>Ends the claims of the pages already written, keeping the current page's.</summary>
    public void Written() => _store.ReleaseClaims(keepCurrent: true);

    /// <summary>Moves to the next page no other run holds and claims it; false when no due reader is left.</summary>
    private bool ClaimNext()
    {
        while (_store.FirstDue(_after) is { } first)
        {
            if (_store.TryClaim(first)) return true;
            // Another node plans this page: go on after it.
            _after = _store.PageEnd(_after);
        }
        return false;
    }

    public void Dispose() => _store.Dispose();
}
