using Newsletter.Admin;
using Newsletter.Bounces;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.ForYou;
using Newsletter.Hosting;
using Newsletter.Jobs;
using Newsletter.Listings;
using Newsletter.Mail;
using Newsletter.Matching;
using Newsletter.Papers;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Templates;
using Newsletter.Web;

// One executable: the web app and job server, or a command-line verb. This file is the table of contents.
var builder = CommandLine.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services
    .AddStorage(builder.Configuration)
    .AddTemplates(builder.Configuration)
    .AddMail(builder.Configuration)
    .AddWeb(builder.Configuration)
    .AddListings(builder.Configuration)
    .AddMatching(builder.Configuration)
    .AddSubscriptions(builder.Configuration)
    .AddForYou()
    .AddDigests(builder.Configuration)
    .AddDelivery(builder.Configuration)
    .AddBounces(builder.Configuration)
    .AddPapers(builder.Configuration)
    .AddAdmin()
    .AddJobs(builder.Configuration);

return await CommandLine.RunAsync(args, builder,
    app =>
    {
        // Middleware, in the order a request meets it; then the endpoints.
        app.UseForwardedHeaders(); // first, so rate limits and logs see the reader's address (Site:TrustedProxies)
        app.UseRefusedRequests();
        app.UseOperatorAccess(JobsServiceCollectionExtensions.DashboardPath, AdminEndpoints.Path, OperatorMetrics.Path);
        app.UseRateLimiter();
        app.MapWeb();
        app.MapSubscriptions();
        app.MapForYou();
        app.MapDigests();
        app.MapPapers();
        app.MapBounces();
        app.MapAdmin();
        app.MapJobsDashboard();
    },
    IngestCommand.Create,
    SendDueCommand.Create,
    PreviewCommand.Create,
    SubscribersCommand.Create,
    DeliveriesCommand.Create,
    ResendCommand.Create,
    BouncesCommand.Create,
    AdminCommand.Create,
    StorageCommand.Create);

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
