using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Subscriptions;

namespace Newsletter.Tests.Support;

/// <summary>
/// The real app on a test's SQLite file with a <see cref="FakeTimeProvider"/> for its clock, plus quick ways to put
/// papers and confirmed readers straight into the tables with chosen times. Made with only a time, it keeps a fresh
/// workspace of its own and deletes it when disposed.
/// </summary>
public sealed class DigestWorld : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _app;
    private readonly bool _ownsWorkspace;
    private readonly ProviderDatabase? _database;

    /// <summary>A world on a fresh workspace of its own, deleted with it.</summary>
    public DigestWorld(DateTimeOffset now, IDictionary<string, string?>? settings = null)
        : this(new TestWorkspace(), now, settings) => _ownsWorkspace = true;

    /// <summary>
    /// A world on a fresh database of <paramref name="provider"/> (on PostgreSQL a copy of the test server's template,
    /// dropped with the world; mail still goes to the workspace's pickup folder).
    /// </summary>
    public DigestWorld(DateTimeOffset now, string provider, IDictionary<string, string?>? settings = null)
        : this(provider == StorageProviders.Postgres ? new ProviderDatabase(provider) : null, now, settings)
    {
    }

    private DigestWorld(ProviderDatabase? database, DateTimeOffset now, IDictionary<string, string?>? settings)
        : this(new TestWorkspace(), now, database is null
            ? settings
            : database.Settings.Concat(settings ?? new Dictionary<string, string?>()).ToDictionary())
    {
        _ownsWorkspace = true;
        _database = database;
    }

    /// <summary>A world on <paramref name="workspace"/>, which outlives it (its database can be opened again).</summary>
    public DigestWorld(TestWorkspace workspace, DateTimeOffset now, IDictionary<string, string?>? settings = null)
    {
        Workspace = workspace;
        Clock = new FakeTimeProvider(now);
        _app = new NewsletterFactory(workspace, settings)
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock))
                .ConfigureLogging(logging => logging.AddProvider(Logs)));
        _ = _app.Server;
        Get<Migrator>().Migrate();
    }

    public TestWorkspace Workspace { get; }

    /// <summary>
    /// The app's clock: <c>SetUtcNow</c> moves it; with <c>AutoAdvanceAmount</c> set, every reading (query budgets
    /// included) moves it on by that much, so "this query ran too long" happens after a known amount of work.
    /// </summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>The warnings and errors the app logged.</summary>
    public LogCapture Logs { get; } = new();

    public HttpClient CreateClient() => _app.CreateClient();

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public DigestPlanner Planner => Get<DigestPlanner>();

    public long AddPaper(string title, string abstractText, DateTimeOffset firstSeen, string authors = "", int? upvotes = null, string? arxivId = null)
    {
        using var connection = Get<Database>().Connect();
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
        string frequency = "daily", int hour = 8, int weekday = 1, string timezone = "UTC", string order = "trending") =>
        Reader(AddReaders([email], confirmedAt, filters, frequency, hour, weekday, timezone, order)[0]);

    /// <summary>Many confirmed readers with the same choices, in one transaction; their ids in the order given.</summary>
    public IReadOnlyList<long> AddReaders(
        IEnumerable<string> emails, DateTimeOffset confirmedAt, SubscriberFilter[] filters,
        string frequency = "daily", int hour = 8, int weekday = 1, string timezone = "UTC", string order = "trending")
    {
        var due = DigestSchedule.NextDue(new ReaderSchedule(frequency, weekday, hour, timezone), confirmedAt);
        using var connection = Get<Database>().Connect();
        using var transaction = connection.BeginTransaction();
        var ids = new List<long>();
        foreach (var email in emails)
        {
            var id = connection.ExecuteScalar<long>(
                """
                INSERT INTO subscribers (email, state, frequency, weekday, hour, timezone, digest_order, created_at, confirmed_at, next_due_at)
                VALUES (@email, 'confirmed', @frequency, @weekday, @hour, @timezone, @order, @confirmedAt, @confirmedAt, @due)
                RETURNING id
                """,
                new { email, frequency, weekday, hour, timezone, order, confirmedAt, due }, transaction);
            connection.Execute("INSERT INTO subscriber_filters (subscriber_id, kind, value) VALUES (@id, @Kind, @Value)",
                filters.Select(f => new { id, f.Kind, f.Value }), transaction);
            ids.Add(id);
        }
        transaction.Commit();
        return ids;
    }

    /// <summary>
    /// Moves the clock to <paramref name="at"/> and runs the digest job there, as the scheduler would; checks that it
    /// planned and sent exactly one digest and returns that email, read back from the pickup folder.
    /// </summary>
    public async Task<MimeMessage> SendOneDigestAsync(DateTimeOffset at)
    {
        Clock.SetUtcNow(at);
        var (planned, sent) = await Get<DigestJob>().RunAtAsync(at, CancellationToken.None);
        Assert.That((planned, sent), Is.EqualTo((1, 1)), "one digest planned and sent");
        return await MimeMessage.LoadAsync(Workspace.OutboxFiles().Single());
    }

    /// <summary>
    /// <paramref name="count"/> daily readers confirmed at <paramref name="confirmedAt"/>, due at <paramref name="dueAt"/>,
    /// each naming one keyword, in one transaction (many pages of a planning run); their ids in ascending order.
    /// </summary>
    public IReadOnlyList<long> AddDueReaders(int count, string keyword, DateTimeOffset confirmedAt, DateTimeOffset dueAt)
    {
        using var connection = Get<Database>().Connect();
        using var transaction = connection.BeginTransaction();
        connection.Execute(
            """
            INSERT INTO subscribers (email, state, frequency, weekday, hour, timezone, digest_order, created_at, confirmed_at, next_due_at)
            VALUES (@email, 'confirmed', 'daily', 1, 8, 'UTC', 'trending', @confirmedAt, @confirmedAt, @dueAt)
            """,
            Enumerable.Range(0, count).Select(i => new { email = $"r{i}@example.org", confirmedAt, dueAt }), transaction);
        connection.Execute("INSERT INTO subscriber_filters (subscriber_id, kind, value) SELECT id, 'keyword', @keyword FROM subscribers",
            new { keyword }, transaction);
        var ids = connection.Query<long>("SELECT id FROM subscribers ORDER BY id", transaction: transaction).ToList();
        transaction.Commit();
        return ids;
    }

    public Subscriber Reader(long id) => Get<SubscriberStore>().Find(id)!;

    public IReadOnlyList<DeliveryRow> Rows(long subscriberId) => Get<DeliveryStore>().ForSubscriber(subscriberId);

    /// <summary>Every paper id a reader's ledger rows hold, in row then rank order.</summary>
    public IReadOnlyList<long> PapersSentTo(long subscriberId) =>
        Rows(subscriberId).SelectMany(r => DeliveryStore.Items(r)).Select(i => i.Paper).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _database?.Dispose();
        if (_ownsWorkspace) Workspace.Dispose();
    }

    public static SubscriberFilter Topic(string slug) => SubscriberFilter.ForTopic(slug);

    public static SubscriberFilter Keyword(string query) => SubscriberFilter.ForKeyword(query);
}
