using System.Text;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Bounces;
using Newsletter.Storage;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Bounces;

/// <summary>
/// The real HTTP pipeline on the bounce fixtures' database (readers 1..9, one sent digest each), with a fake clock for
/// signed timestamps and SNS reached only through <see cref="Sns"/>.
/// </summary>
internal sealed class WebhookApp : IAsyncDisposable
{
    private readonly TestWorkspace _workspace = new();
    private readonly WebApplicationFactory<Program> _app;

    public WebhookApp(IDictionary<string, string?> settings)
    {
        BounceFixtures.Seed(_workspace.DatabasePath);
        var all = BounceFixtures.Settings(_workspace);
        foreach (var (key, value) in settings) all[key] = value;
        _app = new NewsletterFactory(_workspace, all).WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            s.AddHttpClient(SnsVerifier.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Sns);
        }));
        _ = _app.Server;
        Client = _app.CreateClient();
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>What the app fetches from SNS, and what it gets.</summary>
    public SnsStub Sns { get; } = new();

    public HttpClient Client { get; }

    public string DatabasePath => _workspace.DatabasePath;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public Task<HttpResponseMessage> PostAsync(string provider, string body, Action<HttpRequestMessage>? sign = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/bounces/{provider}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        sign?.Invoke(request);
        return Client.SendAsync(request);
    }

    public string State(int reader) => LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(reader));

    public int Events()
    {
        using var connection = new Database(_workspace.DatabasePath).Open();
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM bounce_events");
    }

    /// <summary>The recorded events: row, kind, source, how matched.</summary>
    public IReadOnlyList<(long? Delivery, string Kind, string Source, string MatchedBy)> Recorded()
    {
        using var connection = new Database(_workspace.DatabasePath).Open();
        return connection.Query<(long?, string, string, string)>("SELECT delivery_id, kind, source, matched_by FROM bounce_events ORDER BY id").ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        _workspace.Dispose();
    }
}
