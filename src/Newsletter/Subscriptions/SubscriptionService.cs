using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Mail;
using Newsletter.Templates;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Subscriptions;

/// <summary>Subscribe (double opt-in), confirm, manage and unsubscribe: the rules, independent of HTTP.</summary>
public sealed class SubscriptionService(
    SubscriberStore subscribers,
    TokenStore tokens,
    SubscriptionLinks links,
    DeliveryStore deliveries,
    TemplateCatalog templates,
    Mailer mailer,
    IOptions<SiteOptions> site,
    IOptions<SubscriptionOptions> options,
    TimeProvider clock,
    ILogger<SubscriptionService> logger)
{
    /// <summary>
    /// Records the request and sends a confirmation email, unless the address is already confirmed (then nothing
    /// changes) or has had its daily share of confirmation emails. Callers answer the same way in every case.
    /// </summary>
    public async Task SubscribeAsync(string normalizedEmail, SubscriptionRequest request, CancellationToken cancellationToken)
    {
        var subscriber = subscribers.Upsert(normalizedEmail, request, clock.GetUtcNow());
        if (subscriber.State == SubscriberStates.Confirmed) return;
        await SendConfirmationAsync(subscriber, cancellationToken);
    }

    /// <summary>Confirms the subscription a confirmation token belongs to (each token works once).</summary>
    public TokenStatus Confirm(string token) => ConfirmLink(token).Status;

    /// <summary>Confirms, and on success returns the subscriber's preferences page path.</summary>
    public (TokenStatus Status, string? ManagePath) ConfirmLink(string token)
    {
        var now = clock.GetUtcNow();
        var lookup = tokens.Consume(token, TokenStore.Confirm, now);
        if (lookup.Status != TokenStatus.Valid) return (lookup.Status, null);
        var subscriber = subscribers.Find(lookup.SubscriberId!.Value);
        if (subscriber is null) return (TokenStatus.Unknown, null);
        subscribers.Confirm(subscriber.Id, now, DigestSchedule.NextDue(subscriber, now));
        return (TokenStatus.Valid, links.ManagePath(subscriber.Id));
    }

    /// <summary>Unsubscribes the reader an unsubscribe token belongs to (repeating it is harmless).</summary>
    public TokenStatus Unsubscribe(string token)
    {
        var now = clock.GetUtcNow();
        var lookup = tokens.Find(token, TokenStore.Unsubscribe, now);
        if (lookup.Status != TokenStatus.Valid) return lookup.Status;
        subscribers.Unsubscribe(lookup.SubscriberId!.Value, now);
        return TokenStatus.Valid;
    }

    /// <summary>
    /// Re-subscribes an unsubscribed reader from their unsubscribe link: they become pending and get a fresh
    /// confirmation email; nothing else is sent until they confirm.
    /// </summary>
    public async Task<TokenStatus> ResubscribeAsync(string token, CancellationToken cancellationToken)
    {
        var lookup = tokens.Find(token, TokenStore.Unsubscribe, clock.GetUtcNow());
        if (lookup.Status != TokenStatus.Valid) return lookup.Status;
        var reopened = subscribers.Reopen(lookup.SubscriberId!.Value);
        if (reopened is not null) await SendConfirmationAsync(reopened, cancellationToken);
        return TokenStatus.Valid;
    }

    /// <summary>
    /// Sends a fresh confirmation link to the still-pending reader an expired confirmation token belongs to
    /// (within the daily cap). A confirmed or unsubscribed reader gets nothing.
    /// </summary>
    public async Task<bool> RenewConfirmationAsync(string expiredToken, CancellationToken cancellationToken)
    {
        var lookup = tokens.Find(expiredToken, TokenStore.Confirm, clock.GetUtcNow());
        if (lookup.Status != TokenStatus.Expired) return false;
        if (subscribers.Find(lookup.SubscriberId!.Value) is not { State: SubscriberStates.Pending } subscriber) return false;
        await SendConfirmationAsync(subscriber, cancellationToken);
        return true;
    }

    /// <summary>The subscriber a manage token belongs to, or null when the token is unknown.</summary>
    public Subscriber? FindByManageToken(string token)
    {
        var lookup = tokens.Find(token, TokenStore.Manage, clock.GetUtcNow());
        return lookup.Status == TokenStatus.Valid ? subscribers.Find(lookup.SubscriberId!.Value) : null;
    }

    /// <summary>The site-relative path of the subscriber's unsubscribe page.</summary>
    public string UnsubscribePath(long subscriberId) => links.UnsubscribePath(subscriberId);

    /// <summary>The subscriber's filters.</summary>
    public IReadOnlyList<SubscriberFilter> Filters(long subscriberId) => subscribers.Filters(subscriberId);

    /// <summary>Saves new preferences; a confirmed reader's next digest moves to the new schedule.</summary>
    public void UpdatePreferences(Subscriber subscriber, SubscriptionRequest request)
    {
        var changed = subscriber with { Frequency = request.Frequency, Weekday = request.Weekday, Hour = request.Hour, Timezone = request.Timezone };
        var nextDue = subscriber.State == SubscriberStates.Confirmed ? DigestSchedule.NextDue(changed, clock.GetUtcNow()) : (DateTimeOffset?)null;
        subscribers.UpdatePreferences(subscriber.Id, request, nextDue);
    }

    /// <summary>Stops one catalog topic for a reader; true when they had it.</summary>
    public bool StopTopic(long subscriberId, string slug) => subscribers.RemoveFilter(subscriberId, SubscriberFilter.Topic, slug);

    /// <summary>Deletes the subscriber and everything stored about them.</summary>
    public bool DeleteEverything(long subscriberId)
    {
        var deleted = subscribers.Delete(subscriberId);
        if (deleted) logger.LogInformation("Subscriber {Id} deleted their data", subscriberId);
        return deleted;
    }

    /// <summary>Everything stored about a subscriber, as a JSON document they can download.</summary>
    public JsonObject ExportData(Subscriber subscriber)
    {
        var filters = subscribers.Filters(subscriber.Id);
        return new JsonObject
        {
            ["email"] = subscriber.Email,
            ["state"] = subscriber.State,
            ["frequency"] = subscriber.Frequency,
            ["weekday"] = subscriber.Weekday,
            ["hour"] = subscriber.Hour,
            ["timezone"] = subscriber.Timezone,
            ["order"] = subscriber.DigestOrder,
            ["topics"] = new JsonArray(filters.Where(f => f.Kind == SubscriberFilter.Topic).Select(f => (JsonNode)f.Value).ToArray()),
            ["keywords"] = new JsonArray(filters.Where(f => f.Kind == SubscriberFilter.Keyword).Select(f => (JsonNode)f.Value).ToArray()),
            ["createdAt"] = subscriber.CreatedAt,
            ["confirmedAt"] = subscriber.ConfirmedAt,
            ["nextDigestDueAt"] = subscriber.NextDueAt,
            ["deliveries"] = new JsonArray(deliveries.ForSubscriber(subscriber.Id).Select(d => (JsonNode)new JsonObject
            {
                ["period"] = d.PeriodKey,
                ["state"] = d.State,
                ["createdAt"] = d.CreatedAt,
                ["sentAt"] = d.SentAt,
            }).ToArray()),
        };
    }

    private async Task SendConfirmationAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var limits = options.Value;
        if (!subscribers.TryCountConfirmation(subscriber.Id, now, limits.MaxConfirmationsPerDay))
        {
            logger.LogInformation("Subscriber {Id}: daily confirmation email cap reached; not sending another", subscriber.Id);
            return;
        }
        // Spent links only lead to error pages; dropping them keeps the table at a few rows per reader. The expired
        // link being renewed goes too, so its "send a fresh link" button works once.
        tokens.DeleteSpent(subscriber.Id, TokenStore.Confirm, now);
        var model = new ScriptObject
        {
            ["site_name"] = site.Value.Name,
            ["confirm_url"] = links.ForConfirmation(subscriber.Id, limits.ConfirmationLifetime),
            ["hours"] = limits.ConfirmationLifetimeHours,
        };
        var message = mailer.Compose(
            MailboxAddress.Parse(subscriber.Email),
            templates.Render("confirm.subject.sbn", model).Trim(),
            templates.Render("confirm.html.sbn", model),
            templates.Render("confirm.txt.sbn", model),
            $"confirm.{subscriber.Id}.{now.ToUnixTimeMilliseconds()}.{Guid.NewGuid():N}@{mailer.Domain}");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        await mailer.SendAsync(message, cancellationToken);
    }
}
