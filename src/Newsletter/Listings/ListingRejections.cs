using System.Collections;

namespace Newsletter.Listings;

/// <summary>
/// A source's rejections: the first <see cref="Kept"/> in full, every one counted. A hostile listing of millions of
/// broken entries would otherwise hold a position and a reason for each of them.
/// </summary>
public sealed class ListingRejections : IReadOnlyList<ListingRejection>
{
    /// <summary>How many rejections are kept to be shown; the rest are only counted.</summary>
    public const int Kept = 1_000;

    private readonly List<ListingRejection> _kept = [];

    /// <summary>Every rejection, shown or not.</summary>
    public int Total { get; private set; }

    /// <summary>The rejections kept (at most <see cref="Kept"/>).</summary>
    public int Count => _kept.Count;

    public ListingRejection this[int index] => _kept[index];

    public void Add(ListingRejection rejection)
    {
        Total++;
        if (_kept.Count < Kept) _kept.Add(rejection);
    }

    public IEnumerator<ListingRejection> GetEnumerator() => _kept.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
