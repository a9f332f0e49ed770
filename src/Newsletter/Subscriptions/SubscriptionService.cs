using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Newsletter.Matching;

namespace Newsletter.Subscriptions;

/// <summary>Subscribe (double opt-in), confirm, manage and unsubscribe: the rules, independent of HTTP.</summary>
/// <remarks>
/// Consent: a request only queues a confirmation email carrying the choices asked for; nothing about an existing
/// reader changes (not their state, not their filters) until the owner of the address uses the emailed link. The
/// email itself is sent by a job from the outbox (<see cref="ConfirmationStore"/>), never inside the request, so
/// the request costs the same whatever the address's state or the relay's.
/// </remarks>
public sealed class SubscriptionService(
    SubscriberStore subscribers,
    TokenStore tokens,
    ConfirmationStore confirmations,
    ConfirmationSignal signal,
    SubscriptionLinks links,
    IOptions<SubscriptionOptions> options,
    TimeProvider clock,
    ILogger<SubscriptionService> logger)
{
    /// <summary>
    /// Records the request as a confirmation email to the address (within its daily cap), holding the choices to
    /// apply when the link is used. Callers answer the same way in every case.
    /// </summary>
    public void Subscribe(string normalizedEmail, SubscriptionRequest request)
    {
        var now = clock.GetUtcNow();
        var subscriberId = subscribers.EnsureExists(normalizedEmail, request, now);
        QueueConfirmation(subscriberId, request with { Email = normalizedEmail }, now);
    }

    /// <summary>What a confirmation link stands for (the GET shows it; it changes nothing).</summary>
    public (TokenStatus Status, Subscriber? Subscriber, SubscriptionRequest? Choices) FindConfirmation(string token)
    {
        var lookup = confirmations.Find(token, clock.GetUtcNow());
        var subscriber = lookup.SubscriberId is { } id ? subscribers.Find(id) : null;
        return subscriber is null ? (TokenStatus.Unknown, null, null) : (lookup.Status, subscriber, lookup.Choices);
    }

    /// <summary>
    /// Confirms from a link (each works once): applies the choices it carries and schedules the first digest.
    /// Returns the reader as confirmed on success.
    /// </summary>
    public (TokenStatus Status, Subscriber? Subscriber) Confirm(string token)
    {
        var now = clock.GetUtcNow();
        var lookup = confirmations.Consume(token, now);
        if (lookup.Status != TokenStatus.Valid) return (lookup.Status, null);
        var subscriber = subscribers.Confirm(lookup.SubscriberId!.Value, lookup.Choices, now, s => DigestSchedule.NextDue(s.Schedule, now));
        return subscriber is null ? (TokenStatus.Unknown, null) : (TokenStatus.Valid, subscriber);
    }

    /// <summary>The site-relative path of the subscriber's preferences page.</summary>
    public string ManagePath(long subscriberId) => links.ManagePath(subscriberId);

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
    /// Re-subscribes an unsubscribed reader from their unsubscribe link: a confirmation email goes to the address,
    /// and they stay unsubscribed, with their old choices, until they use it.
    /// </summary>
    public TokenStatus Resubscribe(string token)
    {
        var now = clock.GetUtcNow();
        var lookup = tokens.Find(token, TokenStore.Unsubscribe, now);
        if (lookup.Status != TokenStatus.Valid) return lookup.Status;
        if (subscribers.Find(lookup.SubscriberId!.Value) is { State: not SubscriberStates.Confirmed } subscriber)
            QueueConfirmation(subscriber.Id, choices: null, now);
        return TokenStatus.Valid;
    }

    /// <summary>
    /// Sends a fresh link, with the same choices, for an expired confirmation link (within the daily cap); false
    /// when the link is not an expired one.
    /// </summary>
    public bool RenewConfirmation(string expiredToken)
    {
        var now = clock.GetUtcNow();
        var lookup = confirmations.Find(expiredToken, now);
        if (lookup.Status != TokenStatus.Expired || subscribers.Find(lookup.SubscriberId!.Value) is null) return false;
        QueueConfirmation(lookup.SubscriberId!.Value, lookup.Choices, now);
        return true;
    }

    /// <summary>The subscriber a manage token belongs to, or null when the token is unknown.</summary>
    public Subscriber? FindByManageToken(string token)
    {
        var lookup = tokens.Find(token, TokenStore.Manage, clock.GetUtcNow());
        return lookup.Status == TokenStatus.Valid ? subscribers.Find(lookup.SubscriberId!.Value) : null;
    }

    /// <summary>The subscriber an unsubscribe token belongs to, or null when the token is unknown.</summary>
    public Subscriber? FindByUnsubscribeToken(string token)
    {
        var lookup = tokens.Find(token, TokenStore.Unsubscribe, clock.GetUtcNow());
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
        var nextDue = subscriber.State == SubscriberStates.Confirmed ? DigestSchedule.NextDue(changed.Schedule, clock.GetUtcNow()) : (DateTimeOffset?)null;
        subscribers.UpdatePreferences(subscriber.Id, request, nextDue);
    }

    /// <summary>Stops one catalog topic for a reader; true when they had it.</summary>
    public bool StopTopic(long subscriberId, string slug) => subscribers.RemoveFilter(subscriberId, SubscriberFilter.Topic, slug);

    /// <summary>The reader's keyword query whose <see cref="SubscriberFilter.KeywordKey"/> is <paramref name="key"/>, or null.</summary>
    public string? FindKeyword(long subscriberId, string key) =>
        subscribers.Filters(subscriberId).FirstOrDefault(f => f.Kind == SubscriberFilter.Keyword && SubscriberFilter.KeywordKey(f.Value) == key)?.Value;

    /// <summary>Stops one keyword query for a reader; true when they had it.</summary>
    public bool StopKeyword(long subscriberId, string query) => subscribers.RemoveFilter(subscriberId, SubscriberFilter.Keyword, query);

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
            ["confirmationEmails"] = new JsonArray(confirmations.ForSubscriber(subscriber.Id).Select(c => (JsonNode)new JsonObject
            {
                ["createdAt"] = c.CreatedAt,
                ["state"] = c.State,
                ["usedAt"] = c.UsedAt,
            }).ToArray()),
            ["deliveries"] = new JsonArray(subscribers.Ledger(subscriber.Id).Select(d => (JsonNode)new JsonObject
            {
                ["period"] = d.PeriodKey,
                ["state"] = d.State,
                ["createdAt"] = d.CreatedAt,
                ["sentAt"] = d.SentAt,
            }).ToArray()),
            ["stateReason"] = subscriber.StateReason,
        };
    }

    private void QueueConfirmation(long subscriberId, SubscriptionRequest? choices, DateTimeOffset now)
    {
        var limits = options.Value;
        if (!subscribers.TryCountConfirmation(subscriberId, now, limits.MaxConfirmationsPerDay))
        {
            logger.LogInformation("Subscriber {Id}: daily confirmation email cap reached; not sending another", subscriberId);
            return;
        }
        confirmations.Queue(subscriberId, choices, now, now + limits.ConfirmationLifetime);
        signal.Queued();
    }
}
