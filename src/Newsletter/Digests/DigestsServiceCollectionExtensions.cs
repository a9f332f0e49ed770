using Newsletter.Foundation;

namespace Newsletter.Digests;

/// <summary>Registers the planner, the delivery ledger it writes and the archive links.</summary>
public static class DigestsServiceCollectionExtensions
{
    public static IServiceCollection AddDigests(this IServiceCollection services, IConfiguration configuration) =>
        services.AddShared(typeof(DigestPlanner), typeof(DeliveryStore), typeof(DeliveryCountStore), typeof(DigestRunStore), typeof(ArchiveTokenStore), typeof(DigestArchive), typeof(ArchiveFeedback));
}
