using Microsoft.Extensions.Options;

namespace Newsletter.Delivery;

/// <summary>Checks <c>Bounces:SoftLimit</c> at start.</summary>
public sealed class BouncePolicyOptionsValidator : IValidateOptions<BouncePolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, BouncePolicyOptions options) =>
        options.SoftLimit is < 0 or > BouncePolicyOptions.SoftWindow
            ? ValidateOptionsResult.Fail(
                $"{BouncePolicyOptions.Section}:SoftLimit: {options.SoftLimit} is not between 0 (never suppress) and {BouncePolicyOptions.SoftWindow}")
            : ValidateOptionsResult.Success;
}
