using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Listings;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Subscriptions;

/// <summary>Steps the subscription tests share: forms with their antiforgery token, links from the outbox, SQL checks.</summary>
public static partial class SubscriptionSteps
{
    /// <summary>A client that keeps cookies and does not follow redirects (tests look at the 303s).</summary>
    public static HttpClient Client(NewsletterFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task IngestFixtureAsync(NewsletterFactory app) =>
        await app.Get<ListingIngester>().IngestAsync(RepositoryPaths.Fixture("Subscriptions/papers-page.txt"), "fixture", CancellationToken.None);

    /// <summary>GETs the page holding a form, then POSTs the fields with that page's antiforgery token.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string action, params (string Name, string Value)[] fields)
    {
        var page = await (await client.GetAsync(pagePath)).Content.ReadAsStringAsync();
        var token = AntiforgeryField().Match(page);
        Assert.That(token.Success, Is.True, $"no antiforgery field on {pagePath}");
        var body = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__af", token.Groups[1].Value));
        return await client.PostAsync(action, new FormUrlEncodedContent(body));
    }

    /// <summary>
    /// Subscribes through the API, runs the confirmation job as the job server would, and returns the path of the
    /// confirmation link it mailed.
    /// </summary>
    public static async Task<string> SubscribeAsync(NewsletterFactory app, HttpClient client, TestWorkspace workspace, object body)
    {
        var before = workspace.OutboxFiles().Count;
        var response = await client.PostAsJsonAsync("/api/subscriptions", body);
        Assert.That((int)response.StatusCode, Is.EqualTo(202), await response.Content.ReadAsStringAsync());
        await SendConfirmationsAsync(app);
        Assert.That(workspace.OutboxFiles(), Has.Count.EqualTo(before + 1), "one confirmation email");
        return ConfirmPath(workspace.OutboxFiles()[^1]);
    }

    /// <summary>Runs the confirmation job now (tests have no job server); returns how many emails it sent.</summary>
    public static Task<int> SendConfirmationsAsync(NewsletterFactory app, DateTimeOffset? at = null) =>
        app.Get<ConfirmationSender>().SendDueAsync(at ?? DateTimeOffset.UtcNow, CancellationToken.None);

    /// <summary>Opens a confirmation link and presses its button, as its owner would.</summary>
    public static Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string confirmPath) =>
        PostFormAsync(client, confirmPath, confirmPath);

    /// <summary>Subscribes and confirms; returns the subscriber's id.</summary>
    public static async Task<long> SubscribeConfirmedAsync(NewsletterFactory app, HttpClient client, TestWorkspace workspace, object body, string email)
    {
        var confirm = await SubscribeAsync(app, client, workspace, body);
        Assert.That((int)(await ConfirmAsync(client, confirm)).StatusCode, Is.EqualTo(200));
        return Scalar<long>(app, "SELECT id FROM subscribers WHERE email = @email", new { email });
    }

    public static string ConfirmPath(string emlFile)
    {
        var message = MimeMessage.Load(emlFile);
        var match = ConfirmLink().Match(message.TextBody ?? "");
        Assert.That(match.Success, Is.True, "the email holds a confirmation link");
        return new Uri(match.Value).PathAndQuery;
    }

    public static T Scalar<T>(NewsletterFactory app, string sql, object? parameters = null)
    {
        using var connection = app.Get<Database>().Open();
        return connection.ExecuteScalar<T>(sql, parameters)!;
    }

    public static void Execute(NewsletterFactory app, string sql, object? parameters = null)
    {
        using var connection = app.Get<Database>().Open();
        connection.Execute(sql, parameters);
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex(@"https?://[^/\s]+/confirm/[A-Za-z0-9_\-]+")]
    private static partial Regex ConfirmLink();
}
