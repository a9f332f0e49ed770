using Newsletter.Admin;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Hosting;
using Newsletter.Jobs;
using Newsletter.Listings;
using Newsletter.Mail;
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
    .AddSubscriptions(builder.Configuration)
    .AddDigests(builder.Configuration)
    .AddDelivery(builder.Configuration)
    .AddPapers(builder.Configuration)
    .AddAdmin()
    .AddJobs(builder.Configuration);

return await CommandLine.RunAsync(args, builder,
    app =>
    {
        app.MapWeb();
        app.UseRefusedRequests();
        app.UseOperatorAccess(JobsServiceCollectionExtensions.DashboardPath, AdminEndpoints.Path, OperatorMetrics.Path);
        app.MapSubscriptions();
        app.MapDigests();
        app.MapPapers();
        app.MapAdmin();
        app.MapJobsDashboard();
    },
    IngestCommand.Create,
    SendDueCommand.Create,
    PreviewCommand.Create,
    SubscribersCommand.Create,
    DeliveriesCommand.Create,
    ResendCommand.Create,
    AdminCommand.Create);

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
