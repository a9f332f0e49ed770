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
}
