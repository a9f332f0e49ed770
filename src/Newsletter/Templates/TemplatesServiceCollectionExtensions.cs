using Newsletter.Foundation;

namespace Newsletter.Templates;

/// <summary>Registers the template catalog, parsed when first resolved (which start-up forces).</summary>
public static class TemplatesServiceCollectionExtensions
{
    public static IServiceCollection AddTemplates(this IServiceCollection services, IConfiguration configuration) => services
        .AddSettings<TemplateOptions>(configuration, TemplateOptions.Section, o => o.Problems())
        .AddShared(typeof(TemplateCatalog));
}
