using BenchmarkDotNet.Attributes;
using Dapper;
using Microsoft.Data.Sqlite;
using MimeKit;
using MimeKit.Cryptography;
using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Listings;
using Newsletter.Mail;
using Newsletter.Matching;
using Newsletter.Templates;
using Scriban.Runtime;

namespace Newsletter.Benchmarks.Micro;

/// <summary>
/// The single functions a digest run repeats per reader or per filter: render, compose, MIME build, DKIM sign,
/// and one FTS5 match over 30,000 papers. Set up once on a generated database through the real services.
/// </summary>
[MemoryDiagnoser]
public class DigestBenchmarks
{
    /// <summary>Repository root and a scratch folder, set by the micro verb before BenchmarkDotNet creates this class.</summary>
    public static string Repo { get; set; } = "";
    public static string Work { get; set; } = "";

    private BenchHost _host = null!;
    private TemplateCatalog _templates = null!;
    private DigestComposer _composer = null!;
    private Mailer _mailer = null!;
    private DeliveryRow _row = null!;
    private ScriptObject _model = null!;
    private string _html = "", _text = "";
    private DkimSigner _signer = null!;
    private MessageSigner _messageSigner = null!;
    private SqliteConnection _connection = null!;
    private string _topicQuery = "";
    private long _lastSeq;

    // BenchmarkDotNet runs the global setup once per benchmark; the database behind them all is built only once.
    private static readonly Lazy<DigestBenchmarks> Shared = new(() =>
    {
        var fixture = new DigestBenchmarks();
        fixture.Build();
        return fixture;
    });

    [GlobalSetup]
    public void Setup()
    {
        var shared = Shared.Value;
        (_host, _templates, _composer, _mailer, _row, _model) = (shared._host, shared._templates, shared._composer, shared._mailer, shared._row, shared._model);
        (_html, _text, _signer, _connection, _topicQuery, _lastSeq) = (shared._html, shared._text, shared._signer, shared._connection, shared._topicQuery, shared._lastSeq);
        _messageSigner = shared._messageSigner;
    }

    /// <summary>Ends the shared host (called once, after every benchmark ran).</summary>
    public static void DisposeShared()
    {
        if (!Shared.IsValueCreated) return;
        Shared.Value._connection.Dispose();
        Shared.Value._host.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private void Build()
    {
        Directory.CreateDirectory(Work);
        var database = Path.Combine(Work, "micro.db");
        BenchData.Delete(database);
        _host = new BenchHost(Repo, new Dictionary<string, string?>
        {
            ["Storage:Database"] = database,
            ["Smtp:PickupDirectory"] = Path.Combine(Work, "outbox"),
            ["Ingest:MaxSourceBytes"] = "1073741824",
            ["Site:BaseUrl"] = "http://newsletter.example.com",
        });
        var catalog = _host.Get<TopicCatalog>();
        var sample = SampleListing.Read(SampleListing.PathIn(Repo));
        var listing = Path.Combine(Work, "micro-listing.txt");
        new ListingGenerator(sample, catalog.All.Select(t => TopicTerms.Of(t.Query)).ToList(), RareTerms.Build(20_000, seed: 5), seed: 3)
            .Write(listing, 30_000, DateTimeOffset.UtcNow.AddDays(-1));
        _host.Get<ListingIngester>().IngestAsync(listing, "micro", CancellationToken.None).GetAwaiter().GetResult();
        File.Delete(listing);

        // One reader whose digest holds the 20 best of the newest 2,000 papers for every catalog topic.
        _lastSeq = BenchData.Scalar(database, "SELECT id FROM papers ORDER BY id DESC LIMIT 1 OFFSET 2000");
        var at = DateTimeOffset.UtcNow;
        using (var connection = new Newsletter.Storage.Database(database).Open())
        {
            var id = connection.ExecuteScalar<long>(
                """
                INSERT INTO subscribers (email, state, frequency, weekday, hour, timezone, created_at, confirmed_at, last_seq, next_due_at)
                VALUES ('micro@bench.example.com', 'confirmed', 'daily', 1, 8, 'UTC', @confirmed, @confirmed, @lastSeq, @due)
                RETURNING id
                """,
                new { confirmed = at.AddDays(-30), lastSeq = _lastSeq, due = at.AddHours(-1) });
            foreach (var topic in catalog.All)
                connection.Execute("INSERT INTO subscriber_filters (subscriber_id, kind, value) VALUES (@id, 'topic', @slug)", new { id, slug = topic.Slug });
        }
        _host.Get<DigestPlanner>().PlanDue(at);
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        _connection = new Newsletter.Storage.Database(database).Open();
        _row = _connection.QuerySingle<DeliveryRow>("SELECT * FROM deliveries ORDER BY id LIMIT 1");

        _templates = _host.Get<TemplateCatalog>();
        _composer = _host.Get<DigestComposer>();
        _mailer = _host.Get<Mailer>();
        _model = Model(_host.Get<PaperStore>(), _row, catalog);
        _html = _templates.Render("digest.html.sbn", _model);
        _text = _templates.Render("digest.txt.sbn", _model);
        _topicQuery = catalog.All[0].Query;

        var key = Path.Combine(Work, "micro-dkim.pem");
        using (var rsa = System.Security.Cryptography.RSA.Create(2048)) File.WriteAllText(key, rsa.ExportRSAPrivateKeyPem());
        _signer = new DkimSigner(key, "newsletter.localhost", "bench")
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        _messageSigner = new MessageSigner(
            Microsoft.Extensions.Options.Options.Create(new DkimOptions { Domain = "newsletter.localhost", Selector = "bench", PrivateKeyPath = key }),
            _host.Get<Microsoft.Extensions.Hosting.IHostEnvironment>(), TimeProvider.System);
    }

    /// <summary>TemplateCatalog.Render of the HTML part of a 20-paper digest.</summary>
    [Benchmark]
    public string RenderDigestHtml() => _templates.Render("digest.html.sbn", _model);

    /// <summary>DigestComposer.Compose: paper lookup, links, three templates and the MIME message.</summary>
    [Benchmark]
    public MimeMessage ComposeDigest() => _composer.Compose(_row).Message;

    /// <summary>Mailer.Compose of the rendered parts, written out as the bytes that go over the wire.</summary>
    [Benchmark]
    public long BuildMime()
    {
        var message = _mailer.Compose(new MailboxAddress("", "micro@bench.example.com"), "20 new papers", _html, _text, "micro@newsletter.localhost");
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.Length;
    }

    /// <summary>The same MIME build, prepared for 7-bit transport (what signing needs first) but not signed.</summary>
    [Benchmark]
    public long BuildAndPrepareMime()
    {
        var message = _mailer.Compose(new MailboxAddress("", "micro@bench.example.com"), "20 new papers", _html, _text, "micro@newsletter.localhost");
        message.Prepare(EncodingConstraint.SevenBit);
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.Length;
    }

    /// <summary>The same MIME build, prepared and DKIM-signed (RSA-SHA256, relaxed/relaxed) with a 2048-bit key.</summary>
    [Benchmark]
    public long BuildAndSignMime()
    {
        var message = _mailer.Compose(new MailboxAddress("", "micro@bench.example.com"), "20 new papers", _html, _text, "micro@newsletter.localhost");
        message.Headers.Replace("List-Unsubscribe", "<http://newsletter.example.com/unsubscribe/token>");
        message.Headers.Replace("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Prepare(EncodingConstraint.SevenBit);
        _signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId, HeaderId.ListUnsubscribe, HeaderId.ListUnsubscribePost]);
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.Length;
    }

    /// <summary>The same MIME build, prepared and signed by the application's <see cref="MessageSigner"/> (what a send does).</summary>
    [Benchmark]
    public long BuildAndSignMimeApp()
    {
        var message = _mailer.Compose(new MailboxAddress("", "micro@bench.example.com"), "20 new papers", _html, _text, "micro@newsletter.localhost");
        message.Headers.Replace("List-Unsubscribe", "<http://newsletter.example.com/unsubscribe/token>");
        message.Headers.Replace("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        _messageSigner.Sign(message);
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.Length;
    }

    /// <summary>One catalog topic's FTS5 query, ranked by bm25, over all 30,000 papers.</summary>
    [Benchmark]
    public int FtsMatchTopicAllPapers() =>
        _connection.Query<(long, double)>(
            "SELECT rowid, bm25(papers_fts, 10.0, 1.0, 2.0) FROM papers_fts WHERE papers_fts MATCH @query",
            new { query = _topicQuery }).Count();

    /// <summary>The same query limited to the daily window (the newest 2,000 papers), as a run evaluates it.</summary>
    [Benchmark]
    public int FtsMatchTopicNewPapers() =>
        _connection.Query<(long, double)>(
            "SELECT rowid, bm25(papers_fts, 10.0, 1.0, 2.0) FROM papers_fts WHERE papers_fts MATCH @query AND rowid > @lastSeq",
            new { query = _topicQuery, lastSeq = _lastSeq }).Count();

    /// <summary>A model shaped like the digest composer's, for rendering the template alone.</summary>
    private static ScriptObject Model(PaperStore papers, DeliveryRow row, TopicCatalog catalog)
    {
        var items = DeliveryStore.Items(row);
        var byId = papers.Get(items.Select(i => i.Paper).ToList()).ToDictionary(p => p.Id);
        return new ScriptObject
        {
            ["site_name"] = "Newsletter",
            ["base_url"] = "http://newsletter.example.com",
            ["email"] = "micro@bench.example.com",
            ["count"] = items.Count,
            ["period_from"] = "23 Nov 2026",
            ["period_to"] = "24 Nov 2026",
            ["date"] = "24 Nov",
            ["manage_url"] = "http://newsletter.example.com/manage/token",
            ["unsubscribe_url"] = "http://newsletter.example.com/unsubscribe/token",
            ["papers"] = items.Where(i => byId.ContainsKey(i.Paper)).Select(i => new ScriptObject
            {
                ["title"] = byId[i.Paper].Title,
                ["url"] = $"https://arxiv.org/abs/2611.{i.Paper:00000}",
                ["authors"] = "Ada Lovelace, Alan Turing, Grace Hopper",
                ["abstract"] = byId[i.Paper].Abstract.Length > 400 ? byId[i.Paper].Abstract[..400] + "…" : byId[i.Paper].Abstract,
                ["topics"] = i.Labels.Select(t => catalog.Find(t)?.Name ?? t).ToList(),
                ["pdf_url"] = $"https://arxiv.org/pdf/2611.{i.Paper:00000}",
                ["hf_url"] = $"https://huggingface.co/papers/2611.{i.Paper:00000}",
                ["upvotes"] = i.Paper % 50,
            }).ToList(),
        };
    }
}
