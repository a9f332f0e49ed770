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
    public static string For(long subscriberId, string periodKey, string domain) => Prefix + subscriberId.ToString(CultureInfo.InvariantCulture) + Suffix(periodKey, domain);

    /// <summary>What follows the reader's id in every Message-ID of <paramref name="periodKey"/>: one for a whole planning run.</summary>
    internal static string Suffix(string periodKey, string domain) => $".{periodKey.Replace(':', '.')}@{domain}";

    /// <summary>
    /// Writes the Message-ID of <see cref="For"/> into <paramref name="destination"/> (its <see cref="Suffix"/> given),
    /// without a string per reader; returns its length, or -1 when it does not fit.
    /// </summary>
    internal static int Format(Span<char> destination, long subscriberId, string suffix)
    {
        if (destination.Length < Prefix.Length || !subscriberId.TryFormat(destination[Prefix.Length..], out var digits, default, CultureInfo.InvariantCulture))
            return -1;
        var length = Prefix.Length + digits + suffix.Length;
        if (destination.Length < length) return -1;
        Prefix.CopyTo(destination);
        suffix.CopyTo(destination[(Prefix.Length + digits)..]);
        return length;
    }

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
