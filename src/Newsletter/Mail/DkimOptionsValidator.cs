using Microsoft.Extensions.Options;
using Newsletter.Foundation;

namespace Newsletter.Mail;

/// <summary>Checks the Dkim section at start: all three keys or none, and a readable private key.</summary>
public sealed class DkimOptionsValidator(IHostEnvironment environment) : IValidateOptions<DkimOptions>
{
    public ValidateOptionsResult Validate(string? name, DkimOptions options)
    {
        if (!options.Enabled) return ValidateOptionsResult.Success;
        const string s = DkimOptions.Section;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Domain)) failures.Add($"{s}:Domain: is missing; set it with {s}:Selector and {s}:PrivateKeyPath, or clear all three");
        if (string.IsNullOrWhiteSpace(options.Selector)) failures.Add($"{s}:Selector: is missing; set it with {s}:Domain and {s}:PrivateKeyPath, or clear all three");
        if (string.IsNullOrWhiteSpace(options.PrivateKeyPath))
        {
            failures.Add($"{s}:PrivateKeyPath: is missing; set it with {s}:Domain and {s}:Selector, or clear all three");
        }
        else
        {
            try
            {
                MessageSigner.LoadKey(MessageSigner.ResolvePath(options.PrivateKeyPath, environment.ContentRootPath));
            }
            catch (ConfigurationException e)
            {
                failures.Add(e.Message);
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
