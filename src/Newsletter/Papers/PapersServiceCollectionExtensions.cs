using Newsletter.Foundation;

namespace Newsletter.Papers;

/// <summary>Registers the public papers page and the Atom feeds.</summary>
public static class PapersServiceCollectionExtensions
{
    /// <summary>Binds and checks the <c>Papers</c> section and registers the papers store and the Atom writer.</summary>
    public static IServiceCollection AddPapers(this IServiceCollection services, IConfiguration configuration) => services
        .AddSettings<PapersOptions>(configuration, PapersOptions.Section, o => o.Problems())
        .AddShared(typeof(RecentPaperStore), typeof(AtomFeed));
}
