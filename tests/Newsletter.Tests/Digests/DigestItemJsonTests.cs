using System.Text.Json;
using Newsletter.Delivery;

namespace Newsletter.Tests.Digests;

/// <summary>Frozen items are written by a generated serializer; rows already in the ledger must still read the same.</summary>
public class DigestItemJsonTests
{
    [Test]
    public void GeneratedItemsJson_IsTheSameAsTheDefaultSerializers_AndReadsBack()
    {
        IReadOnlyList<DigestItem> items =
        [
            new(42, ["state-space-models", "keyword:\"mamba\" OR korvatin"], 12.3457),
            new(7, [], 0.5),
            new(9_000_000_001, ["élan <b>&"], -1.0001),
        ];

        var generated = JsonSerializer.Serialize(items, DigestItemJson.Default.IReadOnlyListDigestItem);

        Assert.That(generated, Is.EqualTo(JsonSerializer.Serialize(items)));
        var read = DeliveryStore.Items(new DeliveryRow { ItemsJson = generated });
        Assert.That(read.Select(i => (i.Paper, string.Join("|", i.Topics), i.Score)),
            Is.EqualTo(items.Select(i => (i.Paper, string.Join("|", i.Topics), i.Score))));
    }
}
