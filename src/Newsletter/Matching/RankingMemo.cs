using System.Runtime.CompilerServices;

namespace Newsletter.Matching;

/// <summary>
/// The ranked items of recent (filters, new papers) combinations within one run. Readers with the same filters and
/// the same window and order get the same digest (about one reader in four in the benchmark's mix of popular topics), so
/// they share one ranking and one items list, which the ledger then also freezes once.
/// </summary>
/// <remarks>
/// Filters are compared by reference: a run has one <see cref="FilterResult"/> per distinct filter. Bounded, and
/// simply emptied when full: popular combinations come back quickly, and memory must not grow with readers.
/// </remarks>
internal sealed class RankingMemo(int capacity = 4096)
{
    private readonly Dictionary<Key, IReadOnlyList<DigestItem>> _items = new();
    private readonly Key _probe = new();

    public IReadOnlyList<DigestItem> Top(ReadOnlySpan<FilterResult> filters, NewPapers isNew, int max, DigestOrder order, Ranking.Scratch scratch)
    {
        _probe.Set(filters, (isNew.Key, order));
        if (_items.TryGetValue(_probe, out var items)) return items;
        items = Ranking.Top(filters, isNew, max, order, scratch);
        if (_items.Count >= capacity) _items.Clear();
        _items[_probe.Copy()] = items;
        return items;
    }

    private sealed class Key : IEquatable<Key>
    {
        private FilterResult[] _filters = [];
        private int _count;
        private ((long, DateTimeOffset?), DigestOrder) _window;
        private int _hash;

        public void Set(ReadOnlySpan<FilterResult> filters, ((long, DateTimeOffset?), DigestOrder) window)
        {
            if (_filters.Length < filters.Length) _filters = new FilterResult[Math.Max(filters.Length, 8)];
            filters.CopyTo(_filters);
            _count = filters.Length;
            _window = window;
            var hash = new HashCode();
            hash.Add(window);
            foreach (var filter in filters) hash.Add(RuntimeHelpers.GetHashCode(filter));
            _hash = hash.ToHashCode();
        }

        public Key Copy() => new() { _filters = _filters[.._count], _count = _count, _window = _window, _hash = _hash };

        public bool Equals(Key? other)
        {
            if (other is null || other._hash != _hash || other._count != _count || other._window != _window) return false;
            for (var i = 0; i < _count; i++)
            {
                if (!ReferenceEquals(_filters[i], other._filters[i])) return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as Key);

        public override int GetHashCode() => _hash;
    }
}
