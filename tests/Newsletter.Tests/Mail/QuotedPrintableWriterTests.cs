using System.Buffers;
using System.Text;
using MimeKit.Encodings;
using Newsletter.Mail;

namespace Newsletter.Tests.Mail;

/// <summary>Quoted-printable written straight into a message's bytes, and texts whose lines were encoded once placed in it.</summary>
public class QuotedPrintableWriterTests
{
    private static readonly string[] Texts =
    [
        "",
        "plain",
        "Résumé — naïve “quotes”, ünïcode and an equals sign = here",
        "trailing space \nand tab\t\nand both \t \n\nend with space ",
        "windows\r\nline ends\r\nand a lone \r in the middle",
        new string('x', 75) + "\n" + new string('y', 76) + "\n" + new string('z', 77) + "\n" + new string('é', 60),
        "a line far over SMTP's 998 characters: " + string.Concat(Enumerable.Repeat("long words and <tags attr=\"x\"> ", 60)),
        "=3D already looks encoded\n.leading dot\nFrom the start\n",
        new string('x', 75) + ". A sentence that starts after a soft break, at example.com" + new string('y', 46) + ".com\n",
        new string(' ', 80) + "\n" + new string('\t', 30),
        "runs  of   spaces,\ttabs\t\tand both \t here\n  indented  \n\tline\n" + string.Concat(Enumerable.Repeat("a  ", 40)),
    ];

    [TestCaseSource(nameof(Texts))]
    public void Written_DecodesToTheText_InShortSevenBitLines_AlreadyInDkimRelaxedForm(string text)
    {
        var writer = new QuotedPrintableWriter(16);
        writer.Write(text);
        writer.EndText();
        var bytes = writer.Written.ToArray();

        Assert.That(Decode(bytes), Is.EqualTo(text.Replace("\r\n", "\n").Replace("\n", "\r\n")));
        Assert.That(bytes.All(b => b < 128), Is.True, "7-bit");
        var lines = Encoding.ASCII.GetString(bytes).Split("\r\n");
        Assert.That(lines.Max(l => l.Length), Is.LessThanOrEqualTo(76));
        Assert.That(lines.Where(l => l.Length > 0).Select(l => l[^1]), Has.None.EqualTo(' ').And.None.EqualTo('\t'));
        Assert.That(Encoding.ASCII.GetString(bytes).Replace("\r\n", ""), Does.Not.Contain("\n"), "CRLF line ends only");
        // DKIM's relaxed body form (RFC 6376, 3.4.4) leaves every line as it is: the signer hashes the bytes unchanged.
        Assert.That(lines, Has.None.Contain("\t").And.None.Contain("  "), "no tab and no run of spaces");
        // SMTP's DATA would dot-stuff such a line: a copy of the whole message (MailKit's filter), so none is written.
        Assert.That(lines, Has.None.StartsWith("."), "no line starts with a dot");
    }

    [Test]
    public void PlacedText_DecodesExactlyAsIfWrittenWhole_WhereverItStarts_InShortRelaxedLines()
    {
        string[] before = ["", "<td>\n", "12. ", "text ending in a space \n", "é", "a partial line ending in a space "];
        string[] after = ["", "\n</td>", " and more on its line\nnext", "\t", " "];
        foreach (var placed in Texts)
        foreach (var prefix in before)
        foreach (var suffix in after)
        {
            var pieces = new QuotedPrintableWriter();
            pieces.Write(prefix);
            pieces.Write(QuotedPrintableText.Of(placed));
            pieces.Write(QuotedPrintableText.Of(placed));
            pieces.Write(suffix);
            pieces.EndText();
            var bytes = pieces.Written.ToArray();

            var label = $"{prefix} | {placed} | {suffix}";
            var expected = prefix + placed + placed + suffix;
            Assert.That(Decode(bytes), Is.EqualTo(expected.Replace("\r\n", "\n").Replace("\n", "\r\n")), label);
            var lines = Encoding.ASCII.GetString(bytes).Split("\r\n");
            Assert.That(lines.Max(l => l.Length), Is.LessThanOrEqualTo(76), label);
            Assert.That(lines.Where(l => l.Length > 0).Select(l => l[^1]), Has.None.EqualTo(' ').And.None.EqualTo('\t'), label);
            Assert.That(lines, Has.None.Contain("\t").And.None.Contain("  "), label);
            Assert.That(lines[^1], Does.Not.EndWith("="), "no soft break closes the part: " + label);
        }
    }

    [Test]
    public void PlacedText_IsCopiedAsItWasEncoded_WhateverStandsBeforeIt()
    {
        // Long enough that its first line folds: encoded in place after "12. ", its folds would move by four columns.
        var placed = string.Concat(Enumerable.Repeat("words of a first line that folds, ", 6)) + "\nsecond line\nand a partial one";
        var alone = new QuotedPrintableWriter();
        alone.Write(placed);
        alone.EndLineSoftly();
        var once = Encoding.ASCII.GetString(alone.Written);

        var writer = new QuotedPrintableWriter();
        writer.Write("12. ");
        writer.Write(QuotedPrintableText.Of(placed));
        writer.Write(" and after it");
        writer.EndText();
        var written = Encoding.ASCII.GetString(writer.Written);

        Assert.That(once, Does.EndWith("partial one=\r\n"), "a text ending mid-line closes with a soft break");
        Assert.That(Encoding.ASCII.GetString(QuotedPrintableText.Of(placed).Encoded.Span), Is.EqualTo(once));
        Assert.That(written, Is.EqualTo("12.=20=\r\n" + once + " and after it"), "copied whole, its line started with a soft break");
    }

    [TestCaseSource(nameof(Texts))]
    public void Pooled_WritesTheSameBytes_AsUnpooled_ThroughEveryGrowth(string text)
    {
        // A rented buffer holds whatever its last user left: only what the writer wrote may come out.
        foreach (var size in new[] { 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 })
        {
            var dirty = ArrayPool<byte>.Shared.Rent(size);
            dirty.AsSpan().Fill((byte)'!');
            ArrayPool<byte>.Shared.Return(dirty);
        }
        var plain = new QuotedPrintableWriter(16);
        var pooled = new QuotedPrintableWriter(16, pooled: true);
        foreach (var writer in new[] { plain, pooled })
        {
            for (var i = 0; i < 5; i++) writer.Write(text + "\n");
            writer.EndText();
        }

        Assert.That(pooled.Written.ToArray(), Is.EqualTo(plain.Written.ToArray()));
    }

    private static string Decode(byte[] encoded)
    {
        var decoder = new QuotedPrintableDecoder();
        var output = new byte[decoder.EstimateOutputLength(encoded.Length)];
        return Encoding.UTF8.GetString(output, 0, decoder.Decode(encoded, 0, encoded.Length, output));
    }
}
