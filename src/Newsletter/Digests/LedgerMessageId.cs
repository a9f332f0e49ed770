using System.Globalization;

namespace Newsletter.Digests;

/// <summary>
/// A digest's Message-ID, derived from the ledger key so every attempt of one digest carries the same one, and the
/// reader it names read back from a returned one.
/// </summary>
public static class LedgerMessageId
{
    private const string Prefix = "digest.";

    /// <summary>The Message-ID (without angle brackets) of the reader's digest for <paramref name="periodKey"/>.</summary>
    public static string For(long subscriberId, string periodKey, string domain) =>
        $"{Prefix}{subscriberId}.{periodKey.Replace(':', '.')}@{domain}";

    /// <summary>
    /// The reader a Message-ID names, with the id as stored (angle brackets and white space trimmed); false when it is
    /// not one of ours.
    /// </summary>
    public static bool TryRead(string messageId, out long subscriberId, out string id)
    {
        id = messageId.Trim().Trim('<', '>');
        subscriberId = 0;
        if (!id.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var dot = id.IndexOf('.', Prefix.Length);
        return dot >= 0 && long.TryParse(id.AsSpan(Prefix.Length, dot - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out subscriberId);
    }
}
