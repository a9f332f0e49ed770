using Microsoft.Extensions.Options;
using MimeKit;

namespace Newsletter.Delivery;

/// <summary>Checks the Delivery section at start, naming the key at fault.</summary>
public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        const string s = DeliveryOptions.Section;
        var failures = new List<string>();
        if (options.Connections is < 1 or > 64) failures.Add($"{s}:Connections: {options.Connections} is not between 1 and 64");
        if (options.BatchSize is < 1 or > 10_000) failures.Add($"{s}:BatchSize: {options.BatchSize} is not between 1 and 10000");
        if (options.LeaseSeconds < 2) failures.Add($"{s}:LeaseSeconds: must be at least 2");
        if (options.RetryBaseSeconds < 1) failures.Add($"{s}:RetryBaseSeconds: must be at least 1");
        if (options.MaxAttempts is < 1 or > 30) failures.Add($"{s}:MaxAttempts: {options.MaxAttempts} is not between 1 and 30");
        if (options.MessagesPerSecond < 0 || double.IsNaN(options.MessagesPerSecond))
            failures.Add($"{s}:MessagesPerSecond: must be 0 (no limit) or more");
        if (options.MessagesPerHour < 0) failures.Add($"{s}:MessagesPerHour: must be 0 (no limit) or more");
        if (options.HardBounceLimit < 0) failures.Add($"{s}:HardBounceLimit: must be 0 (never suppress) or more");
        if (!string.IsNullOrWhiteSpace(options.ReturnPath)
            && (!MailboxAddress.TryParse(options.ReturnPath, out var address) || address.Address.IndexOf('@') <= 0 || address.Address.Contains('+')))
            failures.Add($"{s}:ReturnPath: '{options.ReturnPath}' is not a plain address such as bounces@example.org");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
