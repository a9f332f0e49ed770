using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Digests;
using Newsletter.Mail;
using Newsletter.Templates;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Subscriptions;

/// <summary>Subscribe (double opt-in), confirm and unsubscribe: the rules, independent of HTTP.</summary>
public sealed class SubscriptionService(
    SubscriberStore subscribers,
    TokenStore tokens,
    SubscriptionLinks links,
    TemplateCatalog templates,
    Mailer mailer,
    IOptions<SiteOptions> site,
    TimeProvider clock)
{
    private static readonly TimeSpan ConfirmationLifetime = TimeSpan.FromHours(48);

    /// <summary>Records the request and sends a confirmation email, unless the address is already confirmed.</summary>
    public async Task SubscribeAsync(string normalizedEmail, SubscriptionRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var subscriber = subscribers.Upsert(normalizedEmail, request, now);
        if (subscriber.State == SubscriberStates.Confirmed) return;
        var model = new ScriptObject
        {
            ["site_name"] = site.Value.Name,
            ["confirm_url"] = links.ForConfirmation(subscriber.Id, ConfirmationLifetime),
            ["hours"] = (int)ConfirmationLifetime.TotalHours,
        };
        var message = mailer.Compose(
            MailboxAddress.Parse(normalizedEmail),
            templates.Render("confirm.subject.sbn", model).Trim(),
            templates.Render("confirm.html.sbn", model),
            templates.Render("confirm.txt.sbn", model),
            $"confirm.{subscriber.Id}.{now.ToUnixTimeMilliseconds()}@{mailer.Domain}");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        await mailer.SendAsync(message, cancellationToken);
    }

    /// <summary>Confirms the subscription a confirmation token belongs to.</summary>
    public TokenStatus Confirm(string token)
    {
        var now = clock.GetUtcNow();
        var lookup = tokens.Find(token, TokenStore.Confirm, now);
        if (lookup.Status != TokenStatus.Valid) return lookup.Status;
        var subscriber = subscribers.Find(lookup.SubscriberId!.Value);
        if (subscriber is null) return TokenStatus.Unknown;
        subscribers.Confirm(subscriber.Id, now, DigestSchedule.NextDue(subscriber, now));
        return TokenStatus.Valid;
    }

    /// <summary>Unsubscribes the reader an unsubscribe token belongs to.</summary>
    public TokenStatus Unsubscribe(string token)
    {
        var now = clock.GetUtcNow();
        var lookup = tokens.Find(token, TokenStore.Unsubscribe, now);
        if (lookup.Status != TokenStatus.Valid) return lookup.Status;
        subscribers.Unsubscribe(lookup.SubscriberId!.Value, now);
        return TokenStatus.Valid;
    }
}
