using System.Globalization;
using MimeKit;

namespace Newsletter.Subscriptions;

/// <summary>Parses a reader's address strictly (no display name, a domain required) and normalises it for comparison.</summary>
public static class EmailAddressNormalizer
{
    private static readonly ParserOptions Strict = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    // A bare address has no display name, angle brackets, comments, lists or spaces. (Comparing the parsed address
    // with the input instead would reject punycode domains, which MimeKit hands back decoded.)
    private static readonly char[] NotInABareAddress = [' ', '\t', '\r', '\n', '<', '>', '(', ')', ',', ';'];

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>The normalised address, or null with a reason when it is not a usable address.</summary>
    public static string? TryNormalize(string? input, out string? error)
    {
        error = null;
        var text = input?.Trim() ?? "";
        if (text.Length == 0) { error = "Enter your email address."; return null; }
        if (text.Length > 254) { error = "That address is too long."; return null; }
        if (!MailboxAddress.TryParse(Strict, text, out var mailbox) || !string.IsNullOrEmpty(mailbox.Name)
            || text.IndexOfAny(NotInABareAddress) >= 0)
        {
            error = "That does not look like an email address.";
            return null;
        }
        var at = mailbox.Address.LastIndexOf('@');
        if (at <= 0 || at == mailbox.Address.Length - 1) { error = "That address needs a domain, like name@example.org."; return null; }
        var local = mailbox.Address[..at];
        // "victim"@example.com and "v\ictim"@example.com reach the same mailbox as victim@example.com: compare them
        // as one. A quoted local part that is not a plain dot-atom inside has no such canonical form: refuse it.
        var given = text[..text.LastIndexOf('@')];
        if (given.StartsWith('"') || local.StartsWith('"'))
        {
            if (!TryUnquote(given, out local))
            {
                error = "Addresses with a quoted part before the @ are not supported; enter it without quotes.";
                return null;
            }
        }
        string domain;
        try
        {
            domain = Idn.GetAscii(mailbox.Address[(at + 1)..]).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = "That address's domain is not valid.";
            return null;
        }
        if (local.Length > 64 || !domain.Contains('.')) { error = "That does not look like an email address."; return null; }
        return local.ToLowerInvariant() + "@" + domain;
    }

    // RFC 5322 quoted-string: drop the quotes and each quoted-pair's backslash; the result must be a dot-atom.
    private static bool TryUnquote(string quoted, out string local)
    {
        local = "";
        if (quoted.Length < 3 || quoted[0] != '"' || quoted[^1] != '"') return false;
        var content = new System.Text.StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            var c = quoted[i];
            if (c == '"') return false;
            if (c == '\\')
            {
                if (++i >= quoted.Length - 1) return false;
                c = quoted[i];
            }
            content.Append(c);
        }
        local = content.ToString();
        return IsDotAtom(local);
    }

    private static bool IsDotAtom(string text)
    {
        if (text.Length == 0 || text[0] == '.' || text[^1] == '.' || text.Contains("..", StringComparison.Ordinal)) return false;
        foreach (var c in text)
        {
            // atext (RFC 5322) plus the non-ASCII characters RFC 6531 allows; '.' separates atoms.
            var ok = char.IsAsciiLetterOrDigit(c) || c > 127 || c == '.' || "!#$%&'*+/=?^_`{|}~-".Contains(c);
            if (!ok || char.IsControl(c) || char.IsWhiteSpace(c)) return false;
        }
        return true;
    }
}
