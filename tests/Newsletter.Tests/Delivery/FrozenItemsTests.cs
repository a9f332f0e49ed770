using System.Text.Json;
using Newsletter.Digests;
using Newsletter.Matching;

namespace Newsletter.Tests.Delivery;

/// <summary>How a ledger row freezes its papers: JSON naming each label once; rows written in any earlier format still read.</summary>
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
    public void Json_ReadsBackTheSameItems_WhateverCharactersTheLabelsHold()
    {
        var text = FrozenItems.Write(Items);

        Assert.That(Describe(DeliveryStore.Items(new DeliveryRow { ItemsJson = text })), Is.EqualTo(Describe(Items)));
    }

    [Test]
    public void Json_NamesEachLabelOnce_AndEachPaperAsIdScoreLabelIndexesAndMarks()
    {
        IReadOnlyList<DigestItem> items =
        [
            new(42, ["state-space-models", "keyword:mamba"], 12.3457) { Marks = new[] { 0, 5 } },
            new(7, ["keyword:mamba"], 0.5),
            new(8, ["keyword:mamba", "state-space-models"], 0.25) { Marks = Array.Empty<int>() },
        ];

        Assert.That(FrozenItems.Write(items), Is.EqualTo(
            """{"labels":["state-space-models","keyword:mamba"],"papers":[[42,12.3457,[0,1],[0,5]],[7,0.5,[1]],[8,0.25,[1,0]]]}"""));
    }

    [Test]
    public void RowsWrittenAsOneObjectPerPaper_BeforeLabelsWereNamedOnce_StillRead()
    {
        const string json = """[{"paper":42,"labels":["state-space-models","keyword:mamba"],"score":12.3457,"marks":[0,5]},{"paper":7,"labels":[],"score":0.5}]""";

        var read = FrozenItems.Read(json);

        Assert.That(Describe(read), Is.EqualTo(new[] { "42 12.3457 [state-space-models|keyword:mamba]", "7 0.5 []" }));
        Assert.That(read.Select(i => i.MarkList()), Is.EqualTo(new int[]?[] { [0, 5], null }));
    }

    [Test]
    public void EmptyDigest_ReadsBackEmpty() =>
        Assert.That(DeliveryStore.Items(new DeliveryRow { ItemsJson = FrozenItems.Write([]) }), Is.Empty);

    [Test]
    public void RowsWrittenAsJsonWithTopics_BeforeRound2_StillRead()
    {
        const string json = """[{"Paper":42,"Topics":["state-space-models","keyword:mamba"],"Score":12.3457},{"Paper":7,"Topics":[],"Score":0.5}]""";

        Assert.That(Describe(DeliveryStore.Items(new DeliveryRow { ItemsJson = json })),
            Is.EqualTo(new[] { "42 12.3457 [state-space-models|keyword:mamba]", "7 0.5 []" }));
        Assert.That(DeliveryStore.Items(new DeliveryRow()), Is.Empty, "the row default, []");
    }

    [Test]
    public void RowsWrittenInRound2sCompactText_StillRead()
    {
        // Two labels (each length-prefixed), then per paper: id, score in ten-thousandths, label indexes.
        const string compact = "~2:18:state-space-models13:keyword:a;b.c;42,123457,0.1;7,5000,1;8,-10001,";

        Assert.That(Describe(DeliveryStore.Items(new DeliveryRow { ItemsJson = compact })),
            Is.EqualTo(new[] { "42 12.3457 [state-space-models|keyword:a;b.c]", "7 0.5 [keyword:a;b.c]", "8 -1.0001 []" }));
    }

    [Test]
    public void Json_ReadsBackEachItemsMarks_NoneAndEmptyAlike()
    {
        var items = new List<DigestItem>
        {
            new(42, ["keyword:mamba"], 1.5) { Marks = new[] { 0, 5, 17, 28 } },
            new(7, ["state-space-models"], 0.25),
            new(8, [], 0.125) { Marks = Array.Empty<int>() },
        };

        var read = FrozenItems.Read(FrozenItems.Write(items));

        Assert.That(read.Select(i => i.MarkList()), Is.EqualTo(new int[]?[] { [0, 5, 17, 28], null, null }));
        Assert.That(Describe(read), Is.EqualTo(Describe(items)));
    }

    [Test]
    public void Json_WithAFieldThisVersionDoesNotWrite_StillReads()
    {
        const string json = """[{"paper":42,"labels":["a"],"score":0.5,"marks":[0,3],"later":{"x":[1]}},{"score":1,"paper":7,"labels":[]}]""";

        var read = FrozenItems.Read(json);

        Assert.That(Describe(read), Is.EqualTo(new[] { "42 0.5 [a]", "7 1 []" }));
        Assert.That(read[0].MarkList(), Is.EqualTo(new[] { 0, 3 }));
    }

    [TestCase("not json")]
    [TestCase("")]
    [TestCase("~1:5:ab")]
    [TestCase("~1:2:ab;42,10,1")]
    [TestCase("~0:;42")]
    [TestCase("~0:;x,1,")]
    [TestCase("[{\"paper\":\"x\"}]")]
    [TestCase("[{\"paper\":1")]
    [TestCase("[{\"paper\":1,\"labels\":[\"a\"],\"score\":1}] trailing")]
    [TestCase("[{\"paper\":1,\"labels\":[2],\"score\":1}]")]
    [TestCase("{\"labels\":[\"a\"],\"papers\":[[1,1,[1]]]}")]
    [TestCase("{\"labels\":[\"a\"],\"papers\":[[1,1]]}")]
    [TestCase("{\"papers\":[],\"labels\":[]}")]
    [TestCase("{\"labels\":[],\"papers\":[]} trailing")]
    public void BrokenText_Throws(string text) =>
        Assert.That(() => FrozenItems.Read(text), Throws.InstanceOf<FormatException>().Or.InstanceOf<JsonException>());

    [Test]
    public void Json_IsByteForByteWhatUtf8JsonWriterWrites_WhateverTheScoresLabelsAndMarks()
    {
        // The lists are written by hand for speed; the ledger's stored text must stay what the writer made before.
        var random = new Random(20261203);
        string[] labels = ["state-space-models", "keyword:\"mamba\" OR korvatin", "élan <b>&\n", "c++ 'x' `y` \\ \u0001", "😀 日本", ""];
        double[] scores = [0, -0.0, 1, -1.0001, 0.1, 0.0001, 1e-05, 1e-7, 12.3457, 1234567.8912, 1e21, 1.7976931348623157E+308, double.Epsilon];
        for (var list = 0; list < 500; list++)
        {
            var items = new List<DigestItem>();
            for (var i = random.Next(0, 12); i > 0; i--)
            {
                var named = Enumerable.Range(0, random.Next(0, 4)).Select(_ => labels[random.Next(labels.Length)]).ToList();
                var score = random.Next(3) == 0 ? scores[random.Next(scores.Length)] : Math.Round((random.NextDouble() - 0.3) * 100, random.Next(0, 6));
                var offsets = Enumerable.Range(0, random.Next(3, 42)).Select(_ => random.Next()).ToArray();
                // Planned items' marks are slices of the run's spans; the ledger's, whole arrays.
                var marks = random.Next(4) switch
                {
                    0 => default, 1 => Array.Empty<int>(), 2 => offsets.AsMemory(1, offsets.Length - 2), _ => (ReadOnlyMemory<int>)offsets,
                };
                items.Add(new DigestItem(random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(0, 63), named, score) { Marks = marks });
            }

            Assert.That(FrozenItems.Write(items), Is.EqualTo(WrittenByUtf8JsonWriter(items)));
        }
    }

    // The form as Utf8JsonWriter wrote it before the writing went by hand.
    private static string WrittenByUtf8JsonWriter(IReadOnlyList<DigestItem> items)
    {
        var labels = items.SelectMany(i => i.Labels).Distinct().ToList();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("labels");
            foreach (var label in labels) json.WriteStringValue(label);
            json.WriteEndArray();
            json.WriteStartArray("papers");
            foreach (var item in items)
            {
                json.WriteStartArray();
                json.WriteNumberValue(item.Paper);
                json.WriteNumberValue(item.Score);
                json.WriteStartArray();
                foreach (var label in item.Labels) json.WriteNumberValue(labels.IndexOf(label));
                json.WriteEndArray();
                if (item.MarkList() is { Count: > 0 } marks)
                {
                    json.WriteStartArray();
                    foreach (var offset in marks) json.WriteNumberValue(offset);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static IEnumerable<string> Describe(IEnumerable<DigestItem> items) =>
        items.Select(i => $"{i.Paper} {i.Score:R} [{string.Join("|", i.Labels)}]");
}
