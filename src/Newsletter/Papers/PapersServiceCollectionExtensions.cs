using Microsoft.Extensions.Options;
using Newsletter.Web;

namespace Newsletter.Papers;

/// <summary>Registers the public papers page and the Atom feeds.</summary>
public static class PapersServiceCollectionExtensions
{
    /// <summary>Binds and checks the <c>Papers</c> section and registers the papers store and the Atom writer.</summary>
    public static IServiceCollection AddPapers(this IServiceCollection services, IConfiguration configuration)
    {
        const string s = PapersOptions.Section;
        services.AddOptions<PapersOptions>().Bind(configuration.GetSection(s))
            .Validate(o => o.DaysPerPage is >= 1 and <= 31, $"{s}:DaysPerPage must be between 1 and 31")
            .Validate(o => o.PapersPerDay is >= 1 and <= 500, $"{s}:PapersPerDay must be between 1 and 500")
            .Validate(o => o.SearchDays is >= 1 and <= 365, $"{s}:SearchDays must be between 1 and 365")
            .Validate(o => o.SearchResults is >= 1 and <= 500, $"{s}:SearchResults must be between 1 and 500")
            .Validate(o => o.FeedEntries is >= 1 and <= 500, $"{s}:FeedEntries must be between 1 and 500")
            .Validate(o => o.FeedDays is >= 1 and <= 365, $"{s}:FeedDays must be between 1 and 365")
            .Validate(o => o.FeedCacheSeconds is >= 0 and <= 86_400, $"{s}:FeedCacheSeconds must be between 0 and 86400")
            .ValidateOnStart();
        services.AddSingleton<RecentPaperStore>();
        services.AddSingleton(provider =>
        {
            var site = provider.GetRequiredService<IOptions<SiteOptions>>().Value;
            return new AtomFeed(new Uri(site.BaseUrl).Host, site.Name);
        });
        return services;
    }
}
