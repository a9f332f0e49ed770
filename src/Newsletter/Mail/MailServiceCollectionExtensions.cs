using Newsletter.Foundation;

namespace Newsletter.Mail;

/// <summary>Registers the mailer and the DKIM signer, and validates the Smtp, Mail and Dkim sections at start.</summary>
public static class MailServiceCollectionExtensions
{
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<SmtpOptions>(configuration, SmtpOptions.Section, o => o.Problems());
        services.AddSettings<MailOptions>(configuration, MailOptions.Section, o => o.Problems());
        services.AddSettings<DkimOptions>(configuration, DkimOptions.Section,
            (o, provider) => o.Problems(provider.GetRequiredService<IHostEnvironment>().ContentRootPath));
        return services.AddShared(typeof(Mailer), typeof(MessageSigner));
    }
}
