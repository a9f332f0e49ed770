using System.Text.RegularExpressions;
using Newsletter.Delivery;
using Newsletter.Mail;
using static Newsletter.Delivery.DigestExcerpt;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// A paper's excerpt made once a run and highlighted while each digest is written gives what marking, tidying,
/// cutting and escaping the abstract for that reader gave: the same HTML and text, whatever the highlights.
/// </summary>
public class PaperExcerptTests
{
    private const string Abstract =
        "We extend selective  state\n space models (Mamba) to <video> & \"audio\" understanding.\r\n   Our variant scans frames " +
        "in linear time, beats attention on long clips and keeps memory flat: café-grade kernels, 🚀 speed-ups and " +
        "a benchmark of hour-long videos with dense captions; we study how scan order changes accuracy on reasoning.";

    private static IEnumerable<TestCaseData> Cases()
    {
        var words = Regex.Matches(Abstract, @"[\p{L}\p{N}]+").ToList();
        int[] Spans(Func<int, bool> take) =>
            words.Where((_, i) => take(i)).SelectMany(w => new[] { w.Index, w.Index + w.Length }).ToArray();
        var state = words.First(w => w.Value == "state");
        var models = words.First(w => w.Value == "models");
        var sets = new (string Name, int[]? Spans)[]
        {
            ("none", null),
            ("every third word", Spans(i => i % 3 == 0)),
            ("every word", Spans(_ => true)),
            ("the last words", Spans(i => i >= words.Count - 4)),
            ("a phrase across a run of whitespace", [state.Index, models.Index + models.Length]),
        };
        foreach (var max in new[] { 40, 97, 150, 1000 })
        {
            foreach (var (name, spans) in sets)
                yield return new TestCaseData(max, spans).SetName($"Excerpt_IsTheMarkedAbstractCutAndEscaped({max}, {name})");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Excerpt_IsTheMarkedAbstractCutAndEscaped(int max, int[]? spans)
    {
        var excerpt = PaperExcerpt.Of(Abstract, max);
        var marked = Cut(Tidy(Mark(Abstract, spans)), max);

        Assert.That(excerpt.Fitting(spans), Is.EqualTo(spans?.Length > 0 ? spans : null));
        Assert.That(excerpt.Html(spans), Is.EqualTo(ToHtml(marked)));
        Assert.That(excerpt.Text, Is.EqualTo(Wrap(ToText(marked), 72, "")));
        var writer = new QuotedPrintableWriter();
        writer.Write("<p>");
        excerpt.WriteHtml(writer, spans);
        writer.EndText();
        var encoded = writer.Written.ToArray();
        var decoder = new MimeKit.Encodings.QuotedPrintableDecoder();
        var output = new byte[decoder.EstimateOutputLength(encoded.Length)];
        var decoded = System.Text.Encoding.UTF8.GetString(output, 0, decoder.Decode(encoded, 0, encoded.Length, output));
        Assert.That(decoded, Is.EqualTo("<p>" + ToHtml(marked)), "written into a message part as Html gives it");
    }

    [Test]
    public void Highlights_ThatNoLongerFitTheAbstract_AreLeftOut()
    {
        var excerpt = PaperExcerpt.Of("We study selective state", 100);

        Assert.That(excerpt.Fitting([3, 7]), Is.Null, "starts mid-word");
        Assert.That(excerpt.Fitting([9, 40]), Is.Null, "past the end");
        Assert.That(excerpt.Fitting([3, 8]), Is.EqualTo(new[] { 3, 8 }));
    }

    [Test]
    public void MarkedText_GivesItsTextAndSpans()
    {
        var (text, spans) = PaperExcerpt.Unmark($"a {MarkStart}b c{MarkEnd} d");

        Assert.That(text, Is.EqualTo("a b c d"));
        Assert.That(spans, Is.EqualTo(new[] { 2, 5 }));
        Assert.That(PaperExcerpt.Unmark("plain").Spans, Is.Null);
    }
}
