using Microsoft.Extensions.Options;

namespace Newsletter.Foundation;

/// <summary>Reports every problem a settings section has, at once (see <see cref="SettingsRegistration"/>).</summary>
internal sealed class SettingsCheck<TOptions>(Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions> where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = problems(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
