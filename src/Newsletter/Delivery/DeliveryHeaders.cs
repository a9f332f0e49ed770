using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Mail;
using Newsletter.Web;

namespace Newsletter.Delivery;

/// <summary>The headers every bulk digest carries: RFC 8058 one-click unsubscribe, List-Id and auto-submission marks.</summary>
public sealed class DeliveryHeaders(Mailer mailer, IOptions<SiteOptions> site)
{
    public void Apply(MimeMessage message, string unsubscribeUrl)
    {
        message.Headers.Replace("List-Unsubscribe", $"<{unsubscribeUrl}>");
        message.Headers.Replace("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Replace("List-Id", $"{site.Value.Name} <digest.{mailer.Domain}>");
        message.Headers.Replace("Auto-Submitted", "auto-generated");
        message.Headers.Replace("Precedence", "bulk");
    }
}
