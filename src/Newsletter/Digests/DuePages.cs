using Microsoft.Data.Sqlite;
using Newsletter.Matching;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// The readers due at one time, in pages of ascending id (so a run never holds them all), each reader's filters
/// as their results in the run's window (each distinct filter evaluated once, by the matcher).
/// </summary>
internal sealed class DuePages : IDisposable
{
    private readonly DueReaderStore _store;
    private readonly List<Subscriber> _readers = [];
    private readonly List<int> _firstFilter = [];
    private readonly List<FilterResult> _filters = [];
    private readonly Action<string, string> _onFilter;
    private FilterResult[] _filterArray = [];
    private WindowMatcher? _matcher;
    private long _after;

    public DuePages(SqliteConnection connection, DateTimeOffset at, int pageSize)
    {
        _store = new DueReaderStore(connection, at, pageSize);
        _onFilter = (kind, value) =>
        {
            // A reader's first filter row comes after the reader was added, so the reader's start is known here.
            while (_firstFilter.Count < _readers.Count) _firstFilter.Add(_filters.Count);
            _filters.Add(_matcher!.Get(kind, value));
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
        _store.ReadPage(_after, _readers, _onFilter);
        // Readers without filters (and those after the last one with any) start where the filters end.
        while (_firstFilter.Count < _readers.Count) _firstFilter.Add(_filters.Count);
        if (_readers.Count == 0) return false;
        _after = _readers[^1].Id;
        if (_filterArray.Length < _filters.Count) _filterArray = new FilterResult[Math.Max(_filters.Count, _filterArray.Length * 2)];
        _filters.CopyTo(_filterArray);
        return true;
    }

    public void Dispose() => _store.Dispose();
}
