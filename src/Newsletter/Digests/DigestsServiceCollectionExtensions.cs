namespace Newsletter.Digests;

/// <summary>Registers the planner, the delivery ledger it writes and the archive links.</summary>
public static class DigestsServiceCollectionExtensions
{
    public static IServiceCollection AddDigests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DigestPlanner>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<ArchiveTokenStore>();
        services.AddSingleton<DigestArchive>();
        services.AddSingleton<ArchiveFeedback>();
        services.AddSingleton<DigestRunStore>();
        return services;
    }
}
