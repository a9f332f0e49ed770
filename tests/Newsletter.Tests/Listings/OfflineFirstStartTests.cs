using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Playwright;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>
/// The real executable's first start without network: its job server runs the ingest at start, the one source does
/// not answer, and the shipped sample fills the preview a new reader sees.
/// </summary>
public class OfflineFirstStartTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task OfflineFirstStart_ThePreviewShowsTheShippedSample_AtPhoneAndDesktopWidths()
    {
        await using var server = await ServedNewsletter.StartAsync(_workspace, new Dictionary<string, string>
        {
            ["Jobs:Server"] = "true",
            ["Ingest:Sources:0:Name"] = "huggingface",
            ["Ingest:Sources:0:Url"] = $"http://127.0.0.1:{ClosedPort()}/api/daily_papers?date={{date}}",
            ["Ingest:Sources:0:Format"] = "hf-json",
        });
        await WaitForPapersAsync(server.BaseUrl);
        // The unreachable source is one warning line, and nothing in the log prints a stack trace (HttpClient's own
        // request log included, which logs a failed request with its exception unless appsettings.json quiets it).
        await server.WaitForLogAsync("cannot ingest huggingface");
        Assert.That(server.Log, Does.Not.Match(@"(?m)^\s+at \S+\(|---> System\."), "no stack trace in the log");
        await using var browser = await Browser.OpenAsync();

        foreach (var width in new[] { 390, 1280 })
        {
            var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
            await page.GotoAsync(server.BaseUrl);
            await page.CheckAsync("input[name=topics][value=state-space-models]");
            await page.FillAsync("#keywords", "quantized");

            // Sample papers, matched by the topic and by the keyword.
            await Assertions.Expect(page.Locator("#preview-list")).ToContainTextAsync("Mamba: Linear-Time Sequence Modeling with Selective State Spaces");
            await Assertions.Expect(page.Locator("#preview-list")).ToContainTextAsync("QLoRA: Efficient Finetuning of Quantized LLMs");
            await Browser.ScreenshotAsync(page, $"offline-first-start-preview-{width}");
            await page.CloseAsync();
        }
    }

    /// <summary>Polls the preview API until the job server's first ingest has stored papers (it runs in the background).</summary>
    private static async Task WaitForPapersAsync(string baseUrl)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var preview = await http.GetFromJsonAsync<JsonElement>(baseUrl + "/api/preview?keywords=mamba");
            if (preview.GetProperty("count").GetInt32() > 0) return;
            await Task.Delay(200);
        }
        Assert.Fail("no papers 30 s after start: the sample was not ingested");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
