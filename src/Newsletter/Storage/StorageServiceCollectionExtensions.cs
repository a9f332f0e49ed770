using Newsletter.Foundation;

namespace Newsletter.Storage;

/// <summary>Registers the SQLite database and its migrator.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        UtcTimestampHandler.Register();
        services.AddSettings<StorageOptions>(configuration, StorageOptions.Section, o => o.Problems());
        services.AddSingleton<Database>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<ServerSecretStore>();
        services.AddSingleton<BackupStore>();
        services.AddSingleton<StorageCopyStore>();
        services.AddTransient<BackupJob>();
        return services;
    }
}
