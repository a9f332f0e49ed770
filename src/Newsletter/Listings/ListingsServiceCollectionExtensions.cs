namespace Newsletter.Listings;

/// <summary>Registers ingestion: parsers, the paper store and the ingest job.</summary>
public static class ListingsServiceCollectionExtensions
{
    public static IServiceCollection AddListings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestOptions.Section))
            .Validate(o => o.Sources.All(s => !string.IsNullOrWhiteSpace(s.Url)), $"{IngestOptions.Section}:Sources: every source needs a Url")
            .ValidateOnStart();
        services.AddHttpClient(nameof(ListingIngester));
        services.AddSingleton<PaperStore>();
        services.AddSingleton<ListingIngester>();
        services.AddTransient<IngestJob>();
        return services;
    }
}
