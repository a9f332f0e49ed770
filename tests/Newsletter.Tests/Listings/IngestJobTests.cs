using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Listings;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>
/// The recurring ingest job against a loopback Hugging Face daily-papers API: the first start's backfill, weekends,
/// days missed during downtime, an unreachable source, and the shipped sample on an empty database.
/// </summary>
public class IngestJobTests
{
    // A Monday: the week before it holds a weekend (9 and 10 March), when Hugging Face publishes nothing.
    private static readonly DateTimeOffset Monday = new(2024, 3, 11, 10, 0, 0, TimeSpan.Zero);
    private TestWorkspace _workspace = null!;
    private CapturedLogs _logs = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        _logs = new CapturedLogs("Newsletter.Listings.");
    }

    [TearDown] public void TearDown() => _workspace.Dispose();

    /// <summary>The app on the test's database with one Hugging Face source at <paramref name="url"/>, at a fixed time.</summary>
    private WebApplicationFactory<Program> App(string url, DateTimeOffset? now = null, int backfillDays = 7) =>
        new NewsletterFactory(_workspace, new Dictionary<string, string?>
        {
            ["Ingest:Sources:0:Name"] = "hf",
            ["Ingest:Sources:0:Url"] = url,
            ["Ingest:Sources:0:Format"] = "hf-json",
            ["Ingest:BackfillDays"] = backfillDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).WithWebHostBuilder(b =>
        {
            b.ConfigureLogging(l => l.AddProvider(_logs));
            if (now is { } at) b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(at)));
        });

    /// <summary>A daily-papers API: one paper per weekday (its arXiv id made from the date), an empty array on weekends.</summary>
    private static Task<ListingServer> DailyPapersApi() => ListingServer.StartAsync(async context =>
    {
        var date = DateOnly.ParseExact(context.Request.Query["date"].ToString(), "yyyy-MM-dd");
        context.Response.ContentType = "application/json";
        var items = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday
            ? []
            : new[]
            {
                new
                {
                    paper = new
                    {
                        id = $"{date:yyMM}.{date.Day:D5}",
                        title = $"What Was Published On {date:dddd d MMMM}",
                        summary = $"The paper of {date:yyyy-MM-dd}.",
                        upvotes = date.Day,
                        authors = new[] { new { name = "Ada Lovelace" } },
                    },
                },
            };
        await context.Response.WriteAsync(JsonSerializer.Serialize(items));
    });

    private static IEnumerable<string> Dates(ListingServer server) => server.Requests.Select(r => r.Query.Replace("?date=", ""));

    private static long Papers(WebApplicationFactory<Program> app) => app.Services.GetRequiredService<PaperStore>().Count();

    [Test]
    public async Task FirstStart_BackfillsTheLastDaysOfADatedSource_AndAWeekendIsAnEmptyDayNotAnError()
    {
        await using var server = await DailyPapersApi();
        await using var app = App(server.BaseUrl + "/api/daily_papers?date={date}", Monday);

        await app.Services.GetRequiredService<IngestJob>().RunAsync(CancellationToken.None);

        Assert.That(Dates(server), Is.EqualTo(new[]
        {
            "2024-03-11", "2024-03-10", "2024-03-09", "2024-03-08", "2024-03-07", "2024-03-06", "2024-03-05", "2024-03-04",
        }), "today, then the 7 days before it, newest first");
        Assert.That(Papers(app), Is.EqualTo(6), "one paper per weekday, none for the weekend");
        Assert.That(_logs.At(LogLevel.Warning), Is.Empty, "an empty day is not a problem");
        Assert.That(_logs.At(LogLevel.Information), Does.Contain("ingested hf: 6 new, 0 duplicate, 0 rejected over 8 days"));
    }

    [Test]
    public async Task SecondRun_IsNotABackfillAgain_OnlyTodayIsAskedFor()
    {
        await using var server = await DailyPapersApi();
        await using var app = App(server.BaseUrl + "/api/daily_papers?date={date}", Monday);
        var job = app.Services.GetRequiredService<IngestJob>();
        await job.RunAsync(CancellationToken.None);
        var firstRun = server.Requests.Count;

        await job.RunAsync(CancellationToken.None);

        Assert.That(Dates(server).Skip(firstRun), Is.EqualTo(new[] { "2024-03-11" }));
        Assert.That(Papers(app), Is.EqualTo(6));
        Assert.That(_logs.At(LogLevel.Information).Last(m => m.StartsWith("ingested hf", StringComparison.Ordinal)),
            Is.EqualTo("ingested hf: 0 new, 1 duplicate, 0 rejected"));
    }

    [Test]
    public async Task RestartAfterDowntime_ReadsTheDaysMissed_AndNoDayTwice()
    {
        await using var server = await DailyPapersApi();
        await using (var before = App(server.BaseUrl + "/api/daily_papers?date={date}", Monday, backfillDays: 2))
            await before.Services.GetRequiredService<IngestJob>().RunAsync(CancellationToken.None);
        var firstRun = server.Requests.Count;

        // Down from Monday to Thursday: Tuesday and Wednesday were never read.
        await using var after = App(server.BaseUrl + "/api/daily_papers?date={date}", Monday.AddDays(3), backfillDays: 2);
        await after.Services.GetRequiredService<IngestJob>().RunAsync(CancellationToken.None);

        Assert.That(Dates(server).Take(firstRun), Is.EqualTo(new[] { "2024-03-11", "2024-03-10", "2024-03-09" }));
        Assert.That(Dates(server).Skip(firstRun), Is.EqualTo(new[] { "2024-03-14", "2024-03-13", "2024-03-12" }));
        Assert.That(Papers(after), Is.EqualTo(4));
    }

    [Test]
    public async Task UnreachableSource_LogsOneWarningLine_AndTheShippedSampleFillsTheEmptyDatabase()
    {
        await using var app = App($"http://127.0.0.1:{ClosedPort()}/api/daily_papers?date={{date}}");

        Assert.DoesNotThrowAsync(() => app.Services.GetRequiredService<IngestJob>().RunAsync(CancellationToken.None));

        var warning = _logs.At(LogLevel.Warning).Single();
        Assert.That(warning, Does.StartWith("cannot ingest hf: cannot fetch: "));
        Assert.That(warning, Does.Not.Contain("\n"));
        Assert.That(_logs.Entries.Select(e => e.Exception), Is.All.Null, "no stack trace");
        var sample = HuggingFaceParser.Parse(File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, "src", "Newsletter", IngestJob.SampleListing)));
        Assert.That(Papers(app), Is.EqualTo(sample.Entries.Count));
        Assert.That(_logs.At(LogLevel.Information), Has.Some.StartsWith("no papers yet, so the shipped sample was read: ingested sample: "));

        // The service goes on: a new reader's preview already has papers to show.
        var preview = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/preview?keywords=mamba");
        Assert.That(preview.GetProperty("count").GetInt32(), Is.GreaterThan(0));
    }

    [Test]
    public async Task Sample_IsNotIngested_OnceTheDatabaseHasPapers()
    {
        await using var app = App($"http://127.0.0.1:{ClosedPort()}/api/daily_papers?date={{date}}");
        await app.Services.GetRequiredService<ListingIngester>()
            .IngestAsync(RepositoryPaths.Fixture("Listings/hf-daily.json"), "earlier", CancellationToken.None);

        await app.Services.GetRequiredService<IngestJob>().RunAsync(CancellationToken.None);

        Assert.That(Papers(app), Is.EqualTo(3), "only the papers read earlier");
        using var connection = app.Services.GetRequiredService<Database>().Open();
        Assert.That(connection.Query<string>("SELECT DISTINCT source FROM paper_sources"), Is.EqualTo(new[] { "earlier" }));
    }

    /// <summary>A loopback port nothing listens on: connecting is refused at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
