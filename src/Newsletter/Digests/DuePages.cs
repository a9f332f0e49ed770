using System.Data.Common;
using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// The readers due at one time, in pages of ascending id (so a run never holds them all), each reader's filters
/// as their results in the run's window (each distinct filter evaluated once, by the matcher). With
/// <c>claimPages</c> (PostgreSQL) each page is claimed before it is read and a page another node holds is skipped
/// (<see cref="DueReaderStore"/>); the planner ends a page's claim once the page is written. Without claims, given
/// a connection of its own to read ahead on, the next page's rows are read on another thread while the caller
/// plans the current one: only evaluating the filters stays on the caller's thread (the matcher is not shared).
/// </summary>
internal sealed class DuePages : IDisposable
{
    private readonly DueReaderStore _store;
    private readonly List<DueReader> _readers = [];
    private readonly List<int> _firstFilter = [];
    private readonly List<FilterResult> _filters = [];
    private readonly FilterRow _onFilter;
    private FilterResult[] _filterArray = [];
    private WindowMatcher? _matcher;
    private long _after;
    // Reading ahead: the page being read on another thread, into the buffer that is not the one being planned.
    private readonly DueReaderStore? _ahead;
    private ReadPage _read = new(), _spare = new();
    private Task? _reading;

    /// <param name="readAhead">
    /// A connection for reading the next page ahead, on another thread (the caller keeps it open until this is
    /// disposed); null reads each page when it is asked for. Not with <paramref name="claimPages"/>: a page is claimed
    /// on the run's connection before it is read.
    /// </param>
    public DuePages(DbConnection connection, DateTimeOffset at, int pageSize, bool claimPages, bool emails, DbConnection? readAhead = null)
    {
        _store = new DueReaderStore(connection, at, pageSize, claimPages, emails);
        if (readAhead is not null && !claimPages)
        {
            _ahead = new DueReaderStore(readAhead, at, pageSize, claimPages: false, emails);
            // The first page is read while the run still sets up.
            ReadAhead();
        }
        _onFilter = (reader, keyword, value) =>
        {
            // Filters come in reader order: every reader up to this one starts where the filters so far end.
            while (_firstFilter.Count <= reader) _firstFilter.Add(_filters.Count);
            _filters.Add(_matcher!.Get(keyword ? SubscriberFilter.Keyword : SubscriberFilter.Topic, value));
        };
    }

    /// <summary>The readers of the current page.</summary>
    public IReadOnlyList<DueReader> Readers => _readers;

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
        if (_ahead is not null) return NextReadAhead();
        if (_store.ClaimsPages && !ClaimNext()) return false;
        _store.ReadPage(_after, _readers, _onFilter);
        // Readers without filters (and those after the last one with any) start where the filters end.
        while (_firstFilter.Count < _readers.Count) _firstFilter.Add(_filters.Count);
        if (_readers.Count == 0) return false;
        _after = _readers[^1].Id;
        Evaluated();
        return true;
    }

    /// <summary><see cref="Next"/> from the page read ahead; the one after it is read meanwhile.</summary>
    private bool NextReadAhead()
    {
        // No read under way: the last one found no reader left.
        if (_reading is null) return false;
        _reading.GetAwaiter().GetResult();
        _reading = null;
        var page = _read;
        if (page.Readers.Count == 0) return false;
        _after = page.Readers[^1].Id;
        (_read, _spare) = (_spare, _read);
        ReadAhead();
        _readers.AddRange(page.Readers);
        foreach (var (reader, keyword, start, length) in page.Filters) _onFilter(reader, keyword, page.Text.AsSpan(start, length));
        while (_firstFilter.Count < _readers.Count) _firstFilter.Add(_filters.Count);
        Evaluated();
        return true;
    }

    private void ReadAhead()
    {
        var (page, after) = (_read, _after);
        _reading = Task.Run(() =>
        {
            page.Clear();
            _ahead!.ReadPage(after, page.Readers, page.Add);
        });
    }

    private void Evaluated()
    {
        if (_filterArray.Length < _filters.Count) _filterArray = new FilterResult[Math.Max(_filters.Count, _filterArray.Length * 2)];
        _filters.CopyTo(_filterArray);
    }

    /// <summary>Ends the claims of the pages already written, keeping the current page's and the <paramref name="unwritten"/> before it.</summary>
    public void Written(int unwritten) => _store.ReleaseClaims(keep: unwritten + 1);

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

    public void Dispose()
    {
        try
        {
            // The read ahead is done with its connection before anyone closes it. Had it failed, the run has ended anyway
            // (it stopped before asking for that page): its own error is the one that counts.
            _reading?.Wait();
        }
        catch (AggregateException)
        {
        }
        _ahead?.Dispose();
        _store.Dispose();
    }

    /// <summary>A page of due readers as read, its filters' values kept in one buffer until they are evaluated.</summary>
    private sealed class ReadPage
    {
        public List<DueReader> Readers { get; } = [];
        public List<(int Reader, bool Keyword, int Start, int Length)> Filters { get; } = [];
        private char[] _text = new char[4096];
        private int _length;

        public char[] Text => _text;

        public void Clear()
        {
            Readers.Clear();
            Filters.Clear();
            _length = 0;
        }

        public void Add(int reader, bool keyword, ReadOnlySpan<char> value)
        {
            if (_length + value.Length > Text.Length) Array.Resize(ref _text, Math.Max(_length + value.Length, _text.Length * 2));
            value.CopyTo(_text.AsSpan(_length));
            Filters.Add((reader, keyword, _length, value.Length));
            _length += value.Length;
        }
    }
}
