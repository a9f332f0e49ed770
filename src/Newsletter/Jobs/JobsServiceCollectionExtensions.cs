using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.Options;
using Newsletter.Foundation;

namespace Newsletter.Jobs;

/// <summary>
/// Hangfire with in-memory storage: it only schedules and runs work. Every job derives its work from SQLite, so a
/// restart that loses the queue loses nothing else.
/// </summary>
public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<JobsOptions>(configuration, JobsOptions.Section, o => o.Problems());
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseInMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromHours(6) }));
        // Whether this process runs jobs decides which services exist, so it is read while they are registered.
        if (configuration.GetSection(JobsOptions.Section).GetValue(nameof(JobsOptions.Server), new JobsOptions().Server))
        {
            services.AddHangfireServer((provider, server) => server.WorkerCount = provider.GetRequiredService<IOptions<JobsOptions>>().Value.WorkerCount);
            services.AddHostedService<RecurringJobsRegistrar>();
        }
        return services;
    }

    /// <summary>Where the dashboard is served; guard it with <c>UseOperatorAccess(DashboardPath)</c> first.</summary>
    public const string DashboardPath = "/hangfire";

    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new OperatorDashboardAuthorization()],
            DashboardTitle = "Newsletter jobs",
        });
        return app;
    }
}
