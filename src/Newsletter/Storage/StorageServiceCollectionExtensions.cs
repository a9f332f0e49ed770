namespace Newsletter.Storage;

/// <summary>Registers the SQLite database and its migrator.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        UtcTimestampHandler.Register();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Database), $"{StorageOptions.Section}:Database must name a file")
            .ValidateOnStart();
        services.AddSingleton<Database>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<ServerSecretStore>();
        return services;
    }
}
