using System.Text;
using Newsletter.Storage;

namespace Newsletter.Tests.Storage;

/// <summary>
/// A stored timestamp read from its UTF-8 bytes (the planner's page read) is the one its text reads as: the app's
/// own format taken apart by hand, anything else parsed the general way.
/// </summary>
public class UtcTimestampTextTests
{
    [TestCase("2026-12-03T06:20:00.000Z")]
    [TestCase("2024-02-29T23:59:59.999Z")]
    [TestCase("0001-01-01T00:00:00.000Z")]
    [TestCase("9999-12-31T23:59:59.999Z")]
    [TestCase("2026-11-24 08:00:00")]
    [TestCase("2026-11-24T08:00:00+02:00")]
    [TestCase("2026-11-24T08:00:00.1234567Z")]
    public void FromUtf8_ReadsWhatFromTextReads(string text)
    {
        var read = UtcTimestampHandler.FromUtf8(Encoding.UTF8.GetBytes(text));

        Assert.That(read, Is.EqualTo(UtcTimestampHandler.FromText(text)));
        Assert.That(read.Offset, Is.EqualTo(TimeSpan.Zero));
    }

    [TestCase("2026-02-29T08:00:00.000Z")]
    [TestCase("2026-13-01T08:00:00.000Z")]
    [TestCase("2026-11-24T24:00:00.000Z")]
    [TestCase("2026-11-2xT08:00:00.000Z")]
    public void FromUtf8_RefusesWhatFromTextRefuses(string text)
    {
        Assert.Throws<FormatException>(() => UtcTimestampHandler.FromText(text));
        Assert.Throws<FormatException>(() => UtcTimestampHandler.FromUtf8(Encoding.UTF8.GetBytes(text)));
    }

    [Test]
    public void FromUtf8_RoundTripsToText()
    {
        var time = new DateTimeOffset(2026, 12, 3, 6, 20, 1, 234, TimeSpan.FromHours(-5));

        Assert.That(UtcTimestampHandler.FromUtf8(Encoding.UTF8.GetBytes(UtcTimestampHandler.ToText(time))), Is.EqualTo(time));
    }
}
