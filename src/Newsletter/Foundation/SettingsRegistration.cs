using Microsoft.Extensions.Options;

namespace Newsletter.Foundation;

/// <summary>
/// The one way a settings section is registered: bound to its options class and checked when the host starts (and
/// when a verb prepares the app), so a bad value stops start-up with a line naming its key.
/// </summary>
public static class SettingsRegistration
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/>; <paramref name="problems"/> lists each bad setting.</summary>
    public static IServiceCollection AddSettings<TOptions>(this IServiceCollection services, IConfiguration configuration, string section,
        Func<TOptions, IEnumerable<string>> problems) where TOptions : class =>
        services.AddSettings<TOptions>(configuration, section, (options, _) => problems(options));

    /// <summary>As above, for checks that need a service (e.g. the content root a key file's path is relative to).</summary>
    public static IServiceCollection AddSettings<TOptions>(this IServiceCollection services, IConfiguration configuration, string section,
        Func<TOptions, IServiceProvider, IEnumerable<string>> problems) where TOptions : class
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(provider => new SettingsCheck<TOptions>(options => problems(options, provider)));
        return services;
    }
}
