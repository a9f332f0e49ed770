using Newsletter.Foundation;

namespace Newsletter.Admin;

/// <summary>Registers the operator's stores, page models and metrics.</summary>
public static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddAdmin(this IServiceCollection services) => services
        .AddShared(typeof(AdminStatsStore), typeof(AdminLedgerStore), typeof(AdminOverview), typeof(ReaderStory), typeof(ReaderActions), typeof(OperatorMetrics));
}
