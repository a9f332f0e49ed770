using Microsoft.Extensions.Options;
using Newsletter.Listings;
using Newsletter.Matching;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>
/// Previews what a set of filters would have delivered recently, ranked by the digest planner's own matcher
/// (<see cref="PreviewWindows"/>), so a reader's preview lists the papers of their digest in their digest's order.
/// </summary>
public sealed class PaperSearch(PreviewWindows windows, PaperStore papers, TopicCatalog topics, IOptions<DigestOptions> digests)
{
    /// <summary>
    /// The papers first seen after <paramref name="since"/> that the topics or keywords match, in <paramref name="order"/>:
    /// at most <paramref name="maxPapers"/> (by default <c>Digest:MaxPapers</c>, the ones a digest would hold).
    /// Throws <see cref="QueryBudgetSpentException"/> when the searches take longer than <c>Queries:RequestBudgetMs</c>,
    /// and <see cref="OperationCanceledException"/> when <paramref name="aborted"/> fires (the client left).
    /// </summary>
    public PreviewResult Preview(IReadOnlyList<string> topicSlugs, IReadOnlyList<string> keywords, DateTimeOffset since,
        DigestOrder order, CancellationToken aborted, int? maxPapers = null)
    {
        var filters = topicSlugs.Select(SubscriberFilter.ForTopic).Concat(keywords.Select(SubscriberFilter.ForKeyword)).ToList();
        var (count, items) = windows.Matches(filters, since, maxPapers ?? digests.Value.MaxPapers, order, aborted);
        if (items.Count == 0) return new PreviewResult(count, since, []);
        var found = papers.Get(items.Select(i => i.Paper).ToList()).ToDictionary(p => p.Id);
        return new PreviewResult(count, since, items
            .Where(i => found.ContainsKey(i.Paper))
            .Select(i => new PreviewPaper(found[i.Paper].Title, found[i.Paper].AbsUrl ?? found[i.Paper].HfUrl, i.Labels.Select(Label).ToList())
            {
                PaperId = i.Paper,
            })
            .ToList());

        // A keyword as typed, a topic by its name.
        string Label(string label) => FilterLabel.Keyword(label) ?? FilterLabel.Topic(label, topics)?.Name ?? label;
    }
}
