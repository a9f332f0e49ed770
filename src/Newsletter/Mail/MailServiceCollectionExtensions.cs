using Microsoft.Extensions.Options;

namespace Newsletter.Mail;

/// <summary>Registers the mailer and the DKIM signer, and validates the Smtp, Mail and Dkim sections at start.</summary>
public static class MailServiceCollectionExtensions
{
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section)).ValidateOnStart();
        services.AddOptions<DkimOptions>().Bind(configuration.GetSection(DkimOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpOptions>, MailOptionsValidator>();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidator>();
        services.AddSingleton<IValidateOptions<DkimOptions>, DkimOptionsValidator>();
        services.AddSingleton<Mailer>();
        services.AddSingleton<MessageSigner>();
        return services;
    }
}
