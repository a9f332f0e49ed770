using MimeKit;

namespace Newsletter.Mail;

/// <summary>The <c>Mail</c> config section: who the service's emails come from.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>The From address of every email, e.g. <c>Newsletter &lt;digest@example.org&gt;</c>.</summary>
    public string From { get; set; } = "";

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(From))
            yield return $"{Section}:From: is missing; set the address digests are sent from";
        else if (!MailboxAddress.TryParse(ParserOptions.Default, From, out var address) || !address.Address.Contains('@'))
            yield return $"{Section}:From: '{From}' is not an email address";
    }
}
