using System.Text.Json;
using Newsletter.Digests;
using Newsletter.Matching;

namespace Newsletter.Tests.Delivery;

/// <summary>The text a ledger row freezes its papers in: compact for new rows, JSON rows from before still read.</summary>
public class FrozenItemsTests
{
    private static readonly IReadOnlyList<DigestItem> Items =
    [
        new(42, ["state-space-models", "keyword:\"mamba\" OR korvatin"], 12.3457),
        new(7, [], 0.5),
        new(9_000_000_001, ["keyword:a;b,c.d:e~f[g]", "state-space-models", "élan <b>&\n"], -1.0001),
        new(8, ["keyword:12:34"], 1234567.8912),
    ];

    [Test]
    public void CompactText_ReadsBackTheSameItems_WhateverCharactersTheLabelsHold()
    {
        var text = FrozenItems.Write(Items);

        Assert.That(Describe(DeliveryStore.Items(new DeliveryRow { ItemsJson = text })), Is.EqualTo(Describe(Items)));
    }

    [Test]
    public void CompactText_StoresEachLabelOnce_AndIsFarShorterThanJson()
    {
        // A typical digest: 20 papers, most matched by the same few of the reader's filters.
        IReadOnlyList<DigestItem> digest = Enumerable.Range(0, 20)
            .Select(i => new DigestItem(31_000 + i, i % 3 == 0 ? ["state-space-models", "keyword:mamba"] : ["state-space-models"], 7.25 - i / 10.0))
            .ToList();

        var text = FrozenItems.Write(digest);

        Assert.That(text.Split("state-space-models").Length - 1, Is.EqualTo(1));
        Assert.That(text.Length, Is.LessThan(JsonSerializer.Serialize(digest).Length / 3));
    }

    [Test]
    public void EmptyDigest_ReadsBackEmpty() =>
        Assert.That(DeliveryStore.Items(new DeliveryRow { ItemsJson = FrozenItems.Write([]) }), Is.Empty);

    [Test]
    public void RowsWrittenAsJson_BeforeTheCompactFormat_StillRead()
    {
        // What planning stored before: the default serializer's JSON of the items list.
        var json = JsonSerializer.Serialize(Items);

        Assert.That(Describe(DeliveryStore.Items(new DeliveryRow { ItemsJson = json })), Is.EqualTo(Describe(Items)));
        Assert.That(DeliveryStore.Items(new DeliveryRow()), Is.Empty, "the row default, []");
    }

    [TestCase("not json")]
    [TestCase("")]
    [TestCase("~1:5:ab")]
    [TestCase("~1:2:ab;42,10,1")]
    [TestCase("~0:;42")]
    [TestCase("~0:;x,1,")]
    public void BrokenText_Throws(string text) =>
        Assert.That(() => FrozenItems.Read(text), Throws.InstanceOf<FormatException>());

    private static IEnumerable<string> Describe(IEnumerable<DigestItem> items) =>
        items.Select(i => $"{i.Paper} {i.Score:R} [{string.Join("|", i.Topics)}]");
}
