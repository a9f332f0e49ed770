using Newsletter.Foundation;

namespace Newsletter.Listings;

/// <summary>Registers ingestion: parsers, the paper store and the ingest job.</summary>
public static class ListingsServiceCollectionExtensions
{
    public static IServiceCollection AddListings(this IServiceCollection services, IConfiguration configuration) => services
        .AddSettings<IngestOptions>(configuration, IngestOptions.Section, o => o.Problems())
        .AddShared(typeof(PaperStore), typeof(ListingSourceStore), typeof(SourceRunStore), typeof(ListingIngester))
        .AddPerRun(typeof(IngestJob))
        .AddHttpClient(ListingIngester.HttpClientName).Services;
}
