using Newsletter.Subscriptions;

namespace Newsletter.Tests.Subscriptions;

public class EmailAddressNormalizerTests
{
    [TestCase("Reader@Example.ORG", "reader@example.org")]
    [TestCase("  reader@example.org ", "reader@example.org")]
    [TestCase("jürgen@bücher.example", "jürgen@xn--bcher-kva.example")]
    [TestCase("a@xn--bcher-kva.example", "a@xn--bcher-kva.example")]
    [TestCase("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk")]
    [TestCase("\"victim\"@example.com", "victim@example.com")]
    [TestCase("\"v\\ictim\"@example.com", "victim@example.com")]
    [TestCase("\"First.Last\"@Example.com", "first.last@example.com")]
    public void TryNormalize_AcceptsAndNormalises(string input, string expected)
    {
        Assert.That(EmailAddressNormalizer.TryNormalize(input, out var error), Is.EqualTo(expected), error);
    }

    [TestCase("")]
    [TestCase("reader")]
    [TestCase("reader@")]
    [TestCase("@example.org")]
    [TestCase("reader@localhost")]
    [TestCase("Reader <reader@example.org>")]
    [TestCase("<reader@example.org>")]
    [TestCase("reader@example.org (work)")]
    [TestCase("a@example.org, b@example.org")]
    [TestCase("two words@example.org")]
    [TestCase("\"a..b\"@example.org")]
    [TestCase("\".a\"@example.org")]
    [TestCase("\"a@b\"@example.org")]
    [TestCase("\"a\\\"b\"@example.org")]
    [TestCase("\"\"@example.org")]
    public void TryNormalize_RejectsWithAReason(string input)
    {
        Assert.That(EmailAddressNormalizer.TryNormalize(input, out var error), Is.Null);
        Assert.That(error, Is.Not.Empty);
    }

    [Test]
    public void TryNormalize_RejectsOverlongAddresses()
    {
        Assert.That(EmailAddressNormalizer.TryNormalize(new string('a', 65) + "@example.org", out _), Is.Null);
        Assert.That(EmailAddressNormalizer.TryNormalize("a@" + new string('b', 250) + ".org", out _), Is.Null);
    }
}
