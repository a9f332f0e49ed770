using Newsletter.Matching;

namespace Newsletter.Tests.Matching;

/// <summary>
/// A filter's result as ranking and marking read it, whatever layout holds it: each order best first with ties in
/// listing order, every match found by paper, and each match's highlights kept apart from the others'.
/// </summary>
public class FilterResultTests
{
    // Papers 10..15: two ties in relevance, upvotes on two papers.
    private static readonly FilterHit[] Hits =
    [
        new(14, 2.5, 0), new(10, 1.0, 3), new(12, 2.5, 0), new(15, 0.5, 7), new(11, 4.0, 0), new(13, 1.0, 0),
    ];

    [TestCase(false)]
    [TestCase(true)]
    public void Orders_AreBestFirst_TiesInListingOrder(bool dense)
    {
        var result = new FilterResult("keyword:x", Hits.ToArray(), "x", dense);

        Assert.That(Papers(result, DigestOrder.Relevance), Is.EqualTo(new long[] { 11, 12, 14, 10, 13, 15 }));
        Assert.That(Papers(result, DigestOrder.Trending), Is.EqualTo(new long[] { 15, 10, 11, 12, 14, 13 }));
    }

    [Test]
    public void Trending_WithoutUpvotes_IsRelevanceOrder()
    {
        var result = new FilterResult("keyword:x", Hits.Select(h => h with { Upvotes = 0 }).ToArray(), "x");

        Assert.That(Papers(result, DigestOrder.Trending), Is.EqualTo(Papers(result, DigestOrder.Relevance)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void IndexOf_FindsEveryMatch_AndNoOtherPaper(bool dense)
    {
        var result = new FilterResult("keyword:x", Hits.ToArray(), "x", dense);

        foreach (var hit in Hits) Assert.That(result.At(result.IndexOf(hit.Paper)), Is.EqualTo(hit));
        Assert.That(new[] { 9L, 16L, 1_000L, long.MinValue }.Select(result.IndexOf), Is.All.EqualTo(-1));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Marks_SetInAnyOrder_StayWithTheirMatch(bool dense)
    {
        var result = new FilterResult("keyword:x", Hits.ToArray(), "x", dense);
        var decided = new[] { 15L, 11L, 13L };
        foreach (var paper in decided) result.SetMarks(result.IndexOf(paper), (int)paper * 100);
        result.SetMarks(result.IndexOf(11), 7);

        foreach (var hit in Hits)
        {
            var index = result.IndexOf(hit.Paper);
            var expected = hit.Paper == 11 ? 7 : decided.Contains(hit.Paper) ? (int)hit.Paper * 100 : 0;
            Assert.That(result.HasMarks(index), Is.EqualTo(decided.Contains(hit.Paper)), $"paper {hit.Paper}");
            Assert.That(result.MarksAt(index), Is.EqualTo(expected), $"paper {hit.Paper}");
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void PapersFarApart_AreEachFound_AtTheirOwnPaper(bool dense)
    {
        // Past 65,536 ids from the lowest a paper's distance needs more than 16 bits: 65,546 and 131,082 share their
        // low 16 bits with 10, and none may be taken for another.
        FilterHit[] hits = [new(10, 1.0, 0), new(65_546, 3.0, 2), new(131_082, 2.0, 0), new(70_000, 0.5, 0)];
        var result = new FilterResult("keyword:x", hits.ToArray(), "x", dense);

        Assert.That(Papers(result, DigestOrder.Relevance), Is.EqualTo(new long[] { 65_546, 131_082, 10, 70_000 }));
        foreach (var hit in hits) Assert.That(result.At(result.IndexOf(hit.Paper)), Is.EqualTo(hit));
        Assert.That(new[] { 11L, 65_547L, 196_618L, 4_295_032_842L }.Select(result.IndexOf), Is.All.EqualTo(-1));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void EqualScores_KeepEveryMatchsOwnScore_ToTheBit(bool dense)
    {
        // Many matches sharing few scores, as keywords score abstracts of one length alike: held once a run of equal
        // ones. 0 and -0 compare equal but are different scores to the ledger: each keeps its own.
        double[] scores = [3.25, 1.0 / 3, 1.0 / 3 + 1e-16, 0.0, -0.0, -2.5];
        var hits = Enumerable.Range(0, 60).Select(i => new FilterHit(100 + i, scores[i * 7 % scores.Length], 0)).ToArray();
        var result = new FilterResult("keyword:x", hits.ToArray(), "x", dense);

        foreach (var hit in hits)
        {
            var index = result.IndexOf(hit.Paper);
            Assert.That(BitConverter.DoubleToInt64Bits(result.RankAt(index)), Is.EqualTo(BitConverter.DoubleToInt64Bits(hit.Rank)), $"paper {hit.Paper}");
            Assert.That(result.At(index), Is.EqualTo(hit));
        }
        var expected = hits.OrderByDescending(h => h.Rank).ThenBy(h => h.Paper).Select(h => h.Paper);
        Assert.That(Papers(result, DigestOrder.Relevance), Is.EqualTo(expected));
    }

    private static long[] Papers(FilterResult result, DigestOrder order) =>
        Enumerable.Range(0, result.Count).Select(p => result.PaperAt(result.InOrder(order, p))).ToArray();
}
