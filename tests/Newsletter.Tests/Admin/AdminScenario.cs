using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Listings;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Admin;

/// <summary>
/// A known three days of a small list, written through the real stores at chosen times (sign-ups, confirmations, an
/// unsubscribe, a bounce that suppresses, a deletion; digests sent, retried, failed and unknown; papers from two
/// sources; each source's last run; a digest run). The expected numbers are stated once here for every test.
/// </summary>
public sealed class AdminScenario : IAsyncDisposable
{
    public const string Password = "operator test password";
    public static readonly DateTimeOffset Fixed = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private readonly WebApplicationFactory<Program> _app;

    private AdminScenario(TestWorkspace workspace, DateTimeOffset now, IDictionary<string, string?>? settings)
    {
        Now = now;
        Clock = new FakeTimeProvider(now);
        var all = new Dictionary<string, string?> { ["Admin:Password"] = Password };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        _app = new NewsletterFactory(workspace, all).WithWebHostBuilder(b =>
        {
            b.ConfigureLogging(l => l.AddProvider(Logs));
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
        });
        _ = _app.Server;
        Get<Migrator>().Migrate();
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>What the operator pages logged (each action's line names the operator).</summary>
    public CapturedLogs Logs { get; } = new("Newsletter.Admin.");

    /// <summary>When the scenario ends (noon UTC); its three days end with this one.</summary>
    public DateTimeOffset Now { get; }

    public string Day1 => Day(-2);
    public string Day2 => Day(-1);
    public string Day3 => Day(0);

    private string Day(int offset) => Now.AddDays(offset).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>A client that signs in as the operator (or sends no credential).</summary>
    public HttpClient Client(bool signedIn = true)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (signedIn)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Password}")));
        return client;
    }

    /// <summary>The app on a fresh database, with the scenario below written into it.</summary>
    public static async Task<AdminScenario> SeedAsync(TestWorkspace workspace, DateTimeOffset? now = null, IDictionary<string, string?>? settings = null)
    {
        var scenario = new AdminScenario(workspace, now ?? Fixed, settings);
        await scenario.WriteAsync();
        return scenario;
    }

    // Expected: pending 1 (carol), confirmed 1 (ada), unsubscribed 1 (bob), suppressed 1 (dan); erin was deleted.
    // Per day: Day1 3 sign-ups; Day2 1 sign-up, 3 confirmations; Day3 1 sign-up, 1 unsubscribe, 1 suppression.
    // Confirmed readers per topic: state-space-models 1 (ada), diffusion 1 (ada).
    // Ledger: Day2 3 sent; Day3 1 sent, 1 failed (dan's bounce), 1 retry, 1 unknown. Bounces: 1 on Day3.
    // Papers: 2 from huggingface on Day3 (one matches state-space-models), 1 from arxiv on Day1 (matches diffusion).
    // Ada's Day3 digest froze the state-space paper; the other rows froze none.
    private Task WriteAsync()
    {
        var subscribers = Get<SubscriberStore>();
        var deliveries = Get<DeliveryStore>();
        DateTimeOffset Due(Subscriber _) => Now.AddDays(1);
        DateTimeOffset At(string day, int hour) => DateTimeOffset.Parse($"{day}T{hour:00}:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var ada = subscribers.EnsureExists("ada@example.org", new SubscriptionRequest(), At(Day1, 9));
        var bob = subscribers.EnsureExists("bob@example.org", new SubscriptionRequest(), At(Day1, 10));
        subscribers.EnsureExists("carol@example.org", new SubscriptionRequest(), At(Day1, 11));
        var dan = subscribers.EnsureExists("dan@example.org", new SubscriptionRequest(), At(Day2, 9));
        var topics = new SubscriptionRequest { Topics = ["state-space-models", "diffusion"] };
        subscribers.Confirm(ada, topics, At(Day2, 10), Due);
        subscribers.Confirm(bob, new SubscriptionRequest { Topics = ["state-space-models"] }, At(Day2, 11), Due);
        subscribers.Confirm(dan, new SubscriptionRequest { Topics = ["diffusion"] }, At(Day2, 12), Due);
        using var connection = Get<Database>().Open();
        long Row(long reader, string day, string period) => connection.ExecuteScalar<long>(
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json)
            VALUES (@reader, @period, 'pending', @at, @period || '.' || @reader, '[]') RETURNING id
            """,
            new { reader, period, at = At(day, 8) });
        foreach (var reader in new[] { ada, bob, dan }) Row(reader, Day2, "daily:" + Day2);
        foreach (var row in deliveries.Claim(connection, "seed", At(Day2, 8), At(Day2, 9), 10, At(Day2, 8))) deliveries.MarkSent(connection, [new SentMessage(row.Id, "250 ok", At(Day2, 8))]);
        subscribers.Unsubscribe(bob, At(Day3, 8));
        var erin = subscribers.EnsureExists("erin@example.org", new SubscriptionRequest(), At(Day3, 9));
        subscribers.Delete(erin);

        var adaToday = Row(ada, Day3, "daily:" + Day3);
        var danToday = Row(dan, Day3, "daily:" + Day3);
        var retried = Row(ada, Day3, "extra:retry");
        var unknown = Row(ada, Day3, "extra:unknown");
        var claimed = deliveries.Claim(connection, "seed", At(Day3, 8), At(Day3, 9), 10, At(Day3, 8)).ToDictionary(r => r.Id);
        deliveries.MarkSent(connection, [new SentMessage(adaToday, "250 ok", At(Day3, 8))]);
        // Refused during the SMTP session, as the sender records it: the row fails and the policy suppresses Dan.
        deliveries.MarkFinal(connection, danToday, DeliveryStates.Failed, "550 5.1.1 no such user", At(Day3, 8));
        Clock.AdjustTime(At(Day3, 8));
        Get<BouncePolicy>().Record(new BounceEvent
        {
            SubscriberId = dan, DeliveryId = danToday, Kind = BounceKinds.Hard, Status = "5.1.1", Diagnostic = "550 5.1.1 no such user",
            Source = BounceSources.Smtp, MatchedBy = BounceMatches.Smtp, DedupeKey = $"smtp:{danToday}:1", ReceivedAt = At(Day3, 8),
        });
        Clock.AdjustTime(Now);
        deliveries.MarkRetry(connection, retried, "421 try later", At(Day3, 9), At(Day3, 8));
        deliveries.MarkFinal(connection, unknown, DeliveryStates.Unknown, "connection lost after DATA", At(Day3, 8));

        long Paper(string key, string title, string day, string source)
        {
            var id = connection.ExecuteScalar<long>(
                """
                INSERT INTO papers (paper_key, title, normalized_title, abstract, first_seen_at, updated_at)
                VALUES (@key, @title, @key, 'An abstract.', @at, @at) RETURNING id
                """,
                new { key, title, at = At(day, 6) });
            connection.Execute("INSERT INTO paper_sources (paper_id, source) VALUES (@id, @source)", new { id, source });
            return id;
        }
        // In ingest order, as ids always are: first seen earlier, smaller id.
        Paper("p1", "Latent diffusion for molecules", Day1, "arxiv");
        var ssm = Paper("p2", "Selective state space models for audio", Day3, "huggingface");
        Paper("p3", "A benchmark of tabular reasoning", Day3, "huggingface");
        // Ada's digest of today carried the state-space paper (the reader page names it).
        connection.Execute("UPDATE deliveries SET items_json = @items WHERE id = @adaToday",
            new { items = $"[{{\"paper\":{ssm},\"labels\":[\"state-space-models\"],\"score\":1}}]", adaToday });

        var sources = Get<SourceRunStore>();
        sources.Record(new SourceRunResult("huggingface", 2, 5, 1, 1, null), At(Day3, 6));
        sources.Record(new SourceRunResult("arxiv", 0, 0, 0, 0, "cannot fetch: HTTP 503 Service Unavailable"), At(Day3, 7));
        Get<DigestRunStore>().Record(new DigestRun { StartedAt = At(Day3, 8), Readers = 2, Planned = 2, Empty = 0, Sent = 1, PlanMs = 120, SendMs = 2400 });
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
