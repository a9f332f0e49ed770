using Newsletter.Foundation;

namespace Newsletter.ForYou;

/// <summary>Registers readers' marks, their taste models and the service that keeps the two in step.</summary>
public static class ForYouServiceCollectionExtensions
{
    public static IServiceCollection AddForYou(this IServiceCollection services) =>
        services.AddShared(typeof(MarkStore), typeof(TasteModelStore), typeof(ReaderTaste));
}
