using Hangfire;
using Hangfire.InMemory;

namespace Newsletter.Jobs;

/// <summary>
/// Hangfire with in-memory storage: it only schedules and runs work. Every job derives its work from SQLite, so a
/// restart that loses the queue loses nothing else.
/// </summary>
public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        services.AddSingleton(options);
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseInMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromHours(6) }));
        if (options.Server)
        {
            services.AddHangfireServer(server => server.WorkerCount = Math.Max(1, options.WorkerCount));
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
