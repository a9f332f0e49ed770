using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>
/// The real app on a test's SQLite file with a hand-set clock, plus quick ways to put papers and confirmed readers
/// straight into the tables with chosen times.
/// </summary>
public sealed class DigestWorld : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _app;

    public DigestWorld(TestWorkspace workspace, DateTimeOffset now, IDictionary<string, string?>? settings = null)
    {
        Clock = new ManualClock(now);
        _app = new NewsletterFactory(workspace, settings)
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock))
                .ConfigureLogging(logging => logging.AddProvider(Logs)));
        _ = _app.Server;
        Get<Migrator>().Migrate();
    }

    public ManualClock Clock { get; }

    /// <summary>The warnings and errors the app logged.</summary>
    public LogCapture Logs { get; } = new();

    public HttpClient CreateClient() => _app.CreateClient();

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public DigestPlanner Planner => Get<DigestPlanner>();

    public long AddPaper(string title, string abstractText, DateTimeOffset firstSeen, string authors = "", int? upvotes = null, string? arxivId = null)
    {
        using var connection = Get<Database>().Open();
        return connection.ExecuteScalar<long>(
            """
            INSERT INTO papers (paper_key, arxiv_id, title, normalized_title, abstract, authors, upvotes, abs_url, pdf_url, hf_url,
                                first_seen_at, updated_at)
            VALUES (@key, @arxivId, @title, @normalized, @abstractText, @authors, @upvotes, @absUrl, @pdfUrl, @hfUrl, @firstSeen, @firstSeen)
            RETURNING id
            """,
            new
            {
                key = arxivId ?? "title:" + title.ToLowerInvariant(), arxivId, title, normalized = title.ToLowerInvariant(), abstractText,
                authors, upvotes, firstSeen,
                absUrl = arxivId is null ? null : $"https://arxiv.org/abs/{arxivId}",
                pdfUrl = arxivId is null ? null : $"https://arxiv.org/pdf/{arxivId}",
                hfUrl = arxivId is null ? null : $"https://huggingface.co/papers/{arxivId}",
            });
    }

    /// <summary>A confirmed reader whose first digest is due at their first slot after <paramref name="confirmedAt"/>.</summary>
    public Subscriber AddReader(
        string email, DateTimeOffset confirmedAt, SubscriberFilter[] filters,
        string frequency = "daily", int hour = 8, int weekday = 1, string timezone = "UTC", string order = "trending")
    {
        var reader = new Subscriber { Email = email, Frequency = frequency, Hour = hour, Weekday = weekday, Timezone = timezone };
        var due = DigestSchedule.NextDue(reader, confirmedAt);
        using var connection = Get<Database>().Open();
        var id = connection.ExecuteScalar<long>(
            """
            INSERT INTO subscribers (email, state, frequency, weekday, hour, timezone, digest_order, created_at, confirmed_at, next_due_at)
            VALUES (@email, 'confirmed', @frequency, @weekday, @hour, @timezone, @order, @confirmedAt, @confirmedAt, @due)
            RETURNING id
            """,
            new { email, frequency, weekday, hour, timezone, order, confirmedAt, due });
        connection.Execute("INSERT INTO subscriber_filters (subscriber_id, kind, value) VALUES (@id, @Kind, @Value)",
            filters.Select(f => new { id, f.Kind, f.Value }));
        return Reader(id);
    }

    public Subscriber Reader(long id) => Get<SubscriberStore>().Find(id)!;

    public IReadOnlyList<DeliveryRow> Rows(long subscriberId) => Get<DeliveryStore>().ForSubscriber(subscriberId);

    /// <summary>Every paper id a reader's ledger rows hold, in row then rank order.</summary>
    public IReadOnlyList<long> PapersSentTo(long subscriberId) =>
        Rows(subscriberId).SelectMany(r => DeliveryStore.Items(r)).Select(i => i.Paper).ToList();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    public static SubscriberFilter Topic(string slug) => SubscriberFilter.ForTopic(slug);

    public static SubscriberFilter Keyword(string query) => SubscriberFilter.ForKeyword(query);
}
