using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Newsletter.Tests.Listings;

/// <summary>A real HTTP server on a free loopback port that answers listing requests the way a test says.</summary>
public sealed class ListingServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ListingServer(WebApplication app) => _app = app;

    /// <summary>Every request received: path, the conditional headers it carried, and its query string.</summary>
    public ConcurrentQueue<(string Path, string? IfNoneMatch, string? IfModifiedSince, string Query)> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public static async Task<ListingServer> StartAsync(Func<HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new ListingServer(app);
        app.Run(async context =>
        {
            server.Requests.Enqueue((context.Request.Path.Value ?? "",
                context.Request.Headers.IfNoneMatch.FirstOrDefault(), context.Request.Headers.IfModifiedSince.FirstOrDefault(),
                context.Request.QueryString.Value ?? ""));
            await respond(context);
        });
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
