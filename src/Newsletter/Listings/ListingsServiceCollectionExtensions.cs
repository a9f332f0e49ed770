using Newsletter.Foundation;

namespace Newsletter.Listings;

/// <summary>Registers ingestion: parsers, the paper store and the ingest job.</summary>
public static class ListingsServiceCollectionExtensions
{
    public static IServiceCollection AddListings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<IngestOptions>(configuration, IngestOptions.Section, o => o.Problem() is { } problem ? [problem] : []);
        services.AddHttpClient(ListingIngester.HttpClientName);
        services.AddSingleton<PaperStore>();
        services.AddSingleton<ListingSourceStore>();
        services.AddSingleton<SourceRunStore>();
        services.AddSingleton<ListingIngester>();
        services.AddTransient<IngestJob>();
        return services;
    }
}
