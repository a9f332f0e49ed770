using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.Options;
using Newsletter.Foundation;
using Newsletter.Storage;

namespace Newsletter.Jobs;

/// <summary>
/// Hangfire: it only schedules and runs work, and every job derives its work from the database. On SQLite its storage
/// is in memory (a restart that loses the queue loses nothing else); on PostgreSQL it is <see cref="PostgresJobStorage"/>
/// in the same database, so nodes share the queue and a recurring job fires on one of them.
/// </summary>
public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<JobsOptions>(configuration, JobsOptions.Section, o => o.Problems());
        services.AddHangfire((provider, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (storage.Provider == StorageProviders.Postgres)
                config.UseStorage(PostgresJobStorage.Create(storage.ConnectionString, PostgresJobStorage.Options(PostgresJobStorage.InvisibilityTimeout)));
            else
                config.UseInMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromHours(6) });
        });
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
