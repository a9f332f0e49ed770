namespace Newsletter.ForYou;

/// <summary>Registers readers' marks, their taste models and the service that keeps the two in step.</summary>
public static class ForYouServiceCollectionExtensions
{
    public static IServiceCollection AddForYou(this IServiceCollection services)
    {
        services.AddSingleton<MarkStore>();
        services.AddSingleton<TasteModelStore>();
        services.AddSingleton<ReaderTaste>();
        return services;
    }
}
