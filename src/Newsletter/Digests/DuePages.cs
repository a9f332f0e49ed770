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
    private readonly Action<int, bool, string> _onFilter;
    private WindowMatcher? _matcher;
    private long _after;
    private int _released;

    public DuePages(DbConnection connection, DateTimeOffset at, int pageSize, bool claimPages)
    {
        _store = new DueReaderStore(connection, at, pageSize, claimPages);
        _onFilter = (reader, keyword, value) =>
        {
            // Filters come in reader order: every reader up to this one starts where the filters so far end.
            while (_firstFilter.Count <= reader) _firstFilter.Add(_filters.Count);
            _filters.Add(_matcher!.Get(keyword ? SubscriberFilter.Keyword : SubscriberFilter.Topic, value));
        };
    }

    /// <summary>Pages read so far.</summary>
    public int Read { get; private set; }

    /// <summary>
    /// Reads the next page, evaluating each filter not seen before; null when no reader is left. The page is the
    /// caller's: reading the next one does not change it.
    /// </summary>
    public DuePage? Next(WindowMatcher matcher)
    {
        _matcher = matcher;
        _readers.Clear();
        _firstFilter.Clear();
        _filters.Clear();
        if (_store.ClaimsPages && !ClaimNext()) return null;
        _store.ReadPage(_after, _readers, _onFilter);
        // Readers without filters (and those after the last one with any) start where the filters end; one more
        // entry ends the last reader's filters.
        while (_firstFilter.Count <= _readers.Count) _firstFilter.Add(_filters.Count);
        if (_readers.Count == 0) return null;
        _after = _readers[^1].Id;
        Read++;
        return new DuePage([.. _readers], [.. _firstFilter], [.. _filters]);
    }

    /// <summary>
    /// Ends the claims of the first <paramref name="written"/> pages read (their digests are written), keeping the
    /// claims of the pages still being planned.
    /// </summary>
    public void Written(int written)
    {
        if (written <= _released) return;
        _store.ReleaseClaims(written - _released);
        _released = written;
    }

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
