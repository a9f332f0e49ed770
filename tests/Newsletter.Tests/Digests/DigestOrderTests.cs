using System.Text.Json;
using Newsletter.Listings;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>
/// Issue 11.3: "trending" means upvotes. A digest (and its preview) lists the most upvoted matches first, then the
/// papers without upvotes by relevance; a reader may choose best match first instead. The preview ranks through
/// the planner's code, so it shows a reader's digest in their digest's order.
/// </summary>
public class DigestOrderTests
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Seen = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private DigestWorld _world = null!;
    private long _titleMatch, _few, _most, _some, _none;

    private void World(int maxPapers = 20)
    {
        _world = new DigestWorld(Due.AddHours(-1), new Dictionary<string, string?> { ["Digest:MaxPapers"] = maxPapers.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        // One paper names the keyword in its title (the best match, no upvotes); the others only in equal abstracts.
        _titleMatch = _world.AddPaper("Kernels Everywhere", "Plain words here.", Seen);
        _few = _world.AddPaper("Paper B", "About kernels.", Seen, upvotes: 5);
        _most = _world.AddPaper("Paper C", "About kernels.", Seen, upvotes: 187);
        _some = _world.AddPaper("Paper D", "About kernels.", Seen, upvotes: 23);
        _none = _world.AddPaper("Paper F", "About kernels.", Seen, upvotes: 0);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_world is not null) await _world.DisposeAsync();
    }

    private IReadOnlyList<long> Digest(string order, params Newsletter.Matching.SubscriberFilter[] filters)
    {
        var reader = _world.AddReader($"{order}{Guid.NewGuid():N}@example.org", Confirmed, filters, order: order);
        _world.Planner.PlanDue(Due);
        return _world.PapersSentTo(reader.Id);
    }

    [Test]
    public void Trending_PutsTheMostUpvotedFirst_ThenPapersWithoutUpvotesByRelevance()
    {
        World();

        Assert.That(Digest("trending", Keyword("kernels")), Is.EqualTo(new[] { _most, _some, _few, _titleMatch, _none }));
    }

    [Test]
    public void Relevance_PutsTheBestMatchFirst_WhateverTheUpvotes()
    {
        World();

        Assert.That(Digest("relevance", Keyword("kernels")), Is.EqualTo(new[] { _titleMatch, _few, _most, _some, _none }));
    }

    [Test]
    public void WhenMoreMatchThanMaxPapers_TheOrderChoosesWhichPapersGo()
    {
        World(maxPapers: 2);

        Assert.That(Digest("trending", Keyword("kernels")), Is.EqualTo(new[] { _most, _some }), "the most upvoted matches");
        Assert.That(Digest("relevance", Keyword("kernels")), Is.EqualTo(new[] { _titleMatch, _few }), "the best matches");
    }

    [TestCase("trending")]
    [TestCase("relevance")]
    public async Task Preview_ListsTheReadersDigest_InTheDigestsOrder(string order)
    {
        World(maxPapers: 3);
        _world.AddPaper("Widget Kernels", "Widgets meet kernels.", Seen, upvotes: 40);
        _world.AddPaper("Widgets Alone", "Only widgets.", Seen);
        var digest = Digest(order, Keyword("kernels"), Keyword("widget*"));

        using var preview = JsonDocument.Parse(await _world.CreateClient().GetStringAsync(
            $"/api/preview?keywords=kernels&keywords={Uri.EscapeDataString("widget*")}&order={order}"));

        var titles = _world.Get<PaperStore>().Get(digest.ToList()).ToDictionary(p => p.Id, p => p.Title);
        Assert.That(preview.RootElement.GetProperty("papers").EnumerateArray().Select(p => p.GetProperty("title").GetString()),
            Is.EqualTo(digest.Select(id => titles[id])));
        Assert.That(digest, Has.Count.EqualTo(3));
    }
}
