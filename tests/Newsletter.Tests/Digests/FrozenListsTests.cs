using Newsletter.Digests;
using Newsletter.Matching;

namespace Newsletter.Tests.Digests;

/// <summary>A run's numbering of its item lists: each distinct list once, in the order met, known again by content.</summary>
public class FrozenListsTests
{
    [Test]
    public void ThousandsOfLists_AreNumberedInTheOrderMet_AndKnownAgainByContent_AcrossChunksAndGrowth()
    {
        var run = new FrozenLists();
        // More lists than a chunk of keys holds, and enough to grow the table of numbers several times.
        const int lists = 10_000;
        static IReadOnlyList<DigestItem> List(int i) => [new DigestItem(1000 + i, ["state-space-models"], 1.5) { Marks = new[] { 0, i % 7 + 1 } }];

        var first = Enumerable.Range(0, lists).Select(i => (Number: run.NumberOf(List(i), out var known), Known: known)).ToList();
        var again = Enumerable.Range(0, lists).Reverse().Select(i => (Number: run.NumberOf(List(i), out var known), Known: known)).ToList();

        Assert.That(first, Is.EqualTo(Enumerable.Range(0, lists).Select(i => (i, false))));
        Assert.That(again, Is.EqualTo(Enumerable.Range(0, lists).Reverse().Select(i => (i, true))));
        Assert.That(run.NumberOf([new DigestItem(1000, ["state-space-models"], 1.5) { Marks = new[] { 0, 2 } }], out var differs), Is.EqualTo(lists));
        Assert.That(differs, Is.False, "other marks make another list");
    }

    [Test]
    public void StoredIds_AreKeptPerNumber_InEveryChunk_UntilForgotten()
    {
        var run = new FrozenLists();

        run.Stored(5, 7);
        run.Stored(9_000, 42);

        Assert.That(new[] { run.IdOf(5), run.IdOf(6), run.IdOf(9_000), run.IdOf(4_095), run.IdOf(20_000) },
            Is.EqualTo(new long?[] { 7, null, 42, null, null }));
        run.Forget(9_000);
        Assert.That(run.IdOf(9_000), Is.Null);
        Assert.That(run.IdOf(5), Is.EqualTo(7));
    }
}
