using Newsletter.Matching;

namespace Newsletter.Tests.Matching;

/// <summary>
/// A run's decided highlights are kept one after another in shared chunks (<see cref="MarkBook"/>), and a keyword
/// result keeps where its decided matches' are as sorted pairs (<see cref="DecidedMarks"/>): what is kept reads back.
/// </summary>
public class MarkBookTests
{
    [Test]
    public void Spans_ReadBackAsKept_WhateverTheirLength_AcrossChunks()
    {
        var random = new Random(12);
        var book = new MarkBook();
        var kept = new List<(int Handle, int[] Spans)>();
        // Enough for several chunks: single spans (most pairs), several, none, and one longer than a chunk.
        for (var i = 0; i < 20_000; i++)
        {
            var length = i == 7_000 ? 40_000 : 2 * (random.Next(4) == 0 ? random.Next(0, 12) : 1);
            var spans = Enumerable.Range(0, length).Select(_ => random.Next()).ToArray();
            kept.Add((book.Add(spans), spans));
        }

        Assert.That(kept.Select(k => k.Handle), Is.All.Not.Zero);
        Assert.That(kept.Select(k => k.Handle), Is.Unique);
        foreach (var (handle, spans) in kept) Assert.That(book.At(handle).ToArray(), Is.EqualTo(spans), $"handle {handle}");
        Assert.That(book.At(0).IsEmpty, Is.True, "0 is no handle: nothing decided");
    }

    [TestCase(5_003, false, Description = "sparse: few of many matches decided")]
    [TestCase(400, false, Description = "turns dense as the pairs grow")]
    [TestCase(400, true)]
    public void DecidedHandles_KeptInAnyOrder_AreFoundByIndex_AndReplaced(int matches, bool dense)
    {
        int[]? marks = null;
        var indexes = Enumerable.Range(0, 300).Select(i => i * 7 % matches).Distinct().ToArray();
        foreach (var index in indexes) DecidedMarks.Set(ref marks, index, index + 1, matches, dense);
        DecidedMarks.Set(ref marks, indexes[5], 99, matches, dense);

        foreach (var index in indexes) Assert.That(DecidedMarks.Get(marks!, index), Is.EqualTo(index == indexes[5] ? 99 : index + 1), $"index {index}");
        Assert.That(Enumerable.Range(0, matches).Except(indexes).Select(index => DecidedMarks.Get(marks!, index)), Is.All.Zero);
        Assert.That(marks!, Has.Length.LessThanOrEqualTo(1 + 2 * matches), "never more than twice a slot a match");
    }
}
