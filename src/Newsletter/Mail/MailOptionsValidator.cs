using Microsoft.Extensions.Options;
using MimeKit;

namespace Newsletter.Mail;

/// <summary>Checks the Smtp and Mail sections at start, naming the key at fault.</summary>
public sealed class MailOptionsValidator : IValidateOptions<SmtpOptions>, IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var failures = new List<string>();
        if (!SmtpOptions.SecurityModes.Contains(options.Security, StringComparer.OrdinalIgnoreCase))
            failures.Add($"{SmtpOptions.Section}:Security: '{options.Security}' is not one of {string.Join(", ", SmtpOptions.SecurityModes)}");
        if (options.Port is < 1 or > 65535)
            failures.Add($"{SmtpOptions.Section}:Port: {options.Port} is not a TCP port (1-65535)");
        if (options.UsesPickupDirectory && string.IsNullOrWhiteSpace(options.PickupDirectory))
            failures.Add($"{SmtpOptions.Section}:PickupDirectory: must name a folder when {SmtpOptions.Section}:Host is empty");
        if (options.TimeoutSeconds < 1)
            failures.Add($"{SmtpOptions.Section}:TimeoutSeconds: must be at least 1");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.From))
            return ValidateOptionsResult.Fail($"{MailOptions.Section}:From: is missing; set the address digests are sent from");
        if (!MailboxAddress.TryParse(ParserOptions.Default, options.From, out var address) || !address.Address.Contains('@'))
            return ValidateOptionsResult.Fail($"{MailOptions.Section}:From: '{options.From}' is not an email address");
        return ValidateOptionsResult.Success;
    }
}
