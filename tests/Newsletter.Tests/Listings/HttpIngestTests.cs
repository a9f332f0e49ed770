using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>HTTP sources against a real loopback server: validators, 304, size cap, errors, {date}.</summary>
public class HttpIngestTests
{
    private static readonly byte[] HfListing = File.ReadAllBytes(RepositoryPaths.Fixture("Listings/hf-daily.json"));
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task Http_ETagIsSentBackAfterARestart_And304AddsNothingWithoutError()
    {
        await using var server = await ListingServer.StartAsync(async context =>
        {
            if (context.Request.Headers.IfNoneMatch == "\"v1\"")
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
            context.Response.Headers.ETag = "\"v1\"";
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(HfListing);
        });
        var url = server.BaseUrl + "/daily.json";

        IngestResult first;
        await using (var app = new NewsletterFactory(_workspace).Started())
            first = await app.Get<ListingIngester>().IngestAsync(url, "hf", CancellationToken.None);
        // A second process on the same database file: the validator survived in SQLite.
        await using var restarted = new NewsletterFactory(_workspace).Started();
        var second = await restarted.Get<ListingIngester>().IngestAsync(url, "hf", CancellationToken.None);

        Assert.That(first.ToString(), Is.EqualTo("ingested hf: 3 new, 0 duplicate, 3 rejected"));
        Assert.That(second.ToString(), Is.EqualTo("ingested hf: 0 new, 0 duplicate, 0 rejected"));
        Assert.That(second.NotModified, Is.True);
        Assert.That(server.Requests.Select(r => r.IfNoneMatch), Is.EqualTo(new string?[] { null, "\"v1\"" }));
        Assert.That(restarted.Get<PaperStore>().Count(), Is.EqualTo(3));
    }

    [Test]
    public async Task Http_LastModifiedIsSentBackAsIfModifiedSince()
    {
        var lastModified = new DateTimeOffset(2024, 3, 5, 6, 0, 0, TimeSpan.Zero);
        await using var server = await ListingServer.StartAsync(async context =>
        {
            context.Response.Headers.LastModified = lastModified.ToString("R");
            await context.Response.Body.WriteAsync(HfListing);
        });
        await using var app = new NewsletterFactory(_workspace).Started();
        var ingester = app.Get<ListingIngester>();

        await ingester.IngestAsync(server.BaseUrl + "/daily.json", "hf", CancellationToken.None);
        var again = await ingester.IngestAsync(server.BaseUrl + "/daily.json", "hf", CancellationToken.None);

        Assert.That(server.Requests.Last().IfModifiedSince, Is.EqualTo("Tue, 05 Mar 2024 06:00:00 GMT"));
        Assert.That(again.ToString(), Is.EqualTo("ingested hf: 0 new, 3 duplicate, 3 rejected"), "a server that ignores the header is still deduplicated");
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Http_BodyOverTheSizeCap_FailsTheSource_AndStoresNothing(bool announceLength)
    {
        await using var server = await ListingServer.StartAsync(async context =>
        {
            if (announceLength) context.Response.ContentLength = HfListing.Length;
            // Without a length the cap must be enforced while the stream is read.
            foreach (var chunk in HfListing.Chunk(200))
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
        });
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Ingest:MaxSourceBytes"] = "1000" }).Started();

        var error = Assert.ThrowsAsync<ListingTooLargeException>(() =>
            app.Get<ListingIngester>().IngestAsync(server.BaseUrl + "/big.json", "big", CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("larger than Ingest:MaxSourceBytes (1000 bytes)"));
        Assert.That(app.Get<PaperStore>().Count(), Is.Zero);
    }

    [Test]
    public async Task IngestJob_AnHttpErrorFailsThatSourceOnly_WithOneWarningLine_AndTheJobCompletes()
    {
        await using var server = await ListingServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/broken") context.Response.StatusCode = 500;
            else await context.Response.Body.WriteAsync(HfListing);
        });
        var logs = new CapturedLogs("Newsletter.Listings.");
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?>
        {
            ["Ingest:Sources:0:Name"] = "broken", ["Ingest:Sources:0:Url"] = server.BaseUrl + "/broken", ["Ingest:Sources:0:Format"] = "auto",
            ["Ingest:Sources:1:Name"] = "good", ["Ingest:Sources:1:Url"] = server.BaseUrl + "/good", ["Ingest:Sources:1:Format"] = "hf-json",
        }).WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));

        // A failed source is not a failed job: Hangfire would retry it at once, logging a stack trace each time.
        await app.Services.GetRequiredService<IngestJob>().RunAsync(CancellationToken.None);

        Assert.That(logs.At(LogLevel.Warning), Is.EqualTo(new[] { "cannot ingest broken: HTTP 500 Internal Server Error" }));
        Assert.That(logs.At(LogLevel.Information), Does.Contain("ingested good: 3 new, 0 duplicate, 3 rejected"));
        Assert.That(logs.Entries.Select(e => e.Exception), Is.All.Null, "no stack trace");
        Assert.That(app.Services.GetRequiredService<PaperStore>().Count(), Is.EqualTo(3), "the good source was still read");
    }

    [Test]
    public async Task Http_DatePlaceholder_IsTheRunsUtcDate()
    {
        await using var server = await ListingServer.StartAsync(context => context.Response.Body.WriteAsync(HfListing).AsTask());
        // 23:30 in New York on March 4th is already March 5th in UTC.
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 3, 4, 23, 30, 0, TimeSpan.FromHours(-5)));
        await using var app = new NewsletterFactory(_workspace).Started();
        await using var clocked = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));

        var result = await clocked.Services.GetRequiredService<ListingIngester>()
            .IngestAsync(server.BaseUrl + "/papers/{date}.json", "daily", CancellationToken.None);

        Assert.That(server.Requests.Single().Path, Is.EqualTo("/papers/2024-03-05.json"));
        Assert.That(result.New, Is.EqualTo(3));
    }

    [Test]
    public async Task Http_ASlowServer_FailsTheSourceAfterTheTimeout()
    {
        await using var server = await ListingServer.StartAsync(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            await context.Response.Body.WriteAsync(HfListing);
        });
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Ingest:HttpTimeoutSeconds"] = "1" }).Started();

        var error = Assert.ThrowsAsync<ListingFetchException>(() =>
            app.Get<ListingIngester>().IngestAsync(server.BaseUrl + "/slow.json", "slow", CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("within 1 s"));
        Assert.That(error.Unreachable, Is.True, "no answer: the backfill stops asking this run");
    }

    [Test]
    public async Task EachUnreadableSource_ThrowsItsOwnType_WithTheOperatorsLine()
    {
        await using var server = await ListingServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/gone.json") context.Response.StatusCode = 404;
            else await context.Response.Body.WriteAsync("<html><body>not a listing</body></html>"u8.ToArray());
        });
        await using var app = new NewsletterFactory(_workspace).Started();
        var ingester = app.Get<ListingIngester>();

        var http = Assert.ThrowsAsync<ListingFetchException>(() => ingester.IngestAsync(server.BaseUrl + "/gone.json", "gone", CancellationToken.None));
        var file = Assert.ThrowsAsync<ListingFileException>(() =>
            ingester.IngestAsync(_workspace.PathFor("missing.json"), "missing", CancellationToken.None));
        var format = Assert.ThrowsAsync<ListingFormatException>(() => ingester.IngestAsync(server.BaseUrl + "/page.html", "page", CancellationToken.None));

        Assert.That(http!.Message, Is.EqualTo("HTTP 404 Not Found"));
        Assert.That(http.Unreachable, Is.False, "the server answered: other days may still be there");
        Assert.That(file!.Message, Is.EqualTo("no such file"));
        Assert.That(format, Is.Not.Null);
        Assert.That(app.Get<PaperStore>().Count(), Is.Zero);
    }
}
