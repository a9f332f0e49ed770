using Newsletter.Matching;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// One page of due readers (<see cref="DuePages"/>), each with their filters evaluated in the run's window, and the
/// period key and next due time of each reader's schedule. A page owns its arrays: it is ranked, marked and written
/// while the planner reads the pages after it.
/// </summary>
internal sealed class DuePage(Subscriber[] readers, int[] firstFilter, FilterResult[] filters)
{
    /// <summary>The page's readers, in ascending id.</summary>
    public IReadOnlyList<Subscriber> Readers => readers;

    /// <summary>The period key and next due time of the reader at each index (set by the planner once it read the page).</summary>
    public (string PeriodKey, DateTimeOffset NextDue)[] Times { get; } = new (string, DateTimeOffset)[readers.Length];

    /// <summary>The filters of the reader at <paramref name="index"/>, as results in the window.</summary>
    public ReadOnlySpan<FilterResult> FiltersOf(int index)
    {
        var first = firstFilter[index];
        return filters.AsSpan(first, firstFilter[index + 1] - first);
    }
}
