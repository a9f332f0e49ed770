using Newsletter.Foundation;

namespace Newsletter.Storage;

/// <summary>Registers the SQLite database and its migrator.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        UtcTimestampHandler.Register();
        services.AddSettings<StorageOptions>(configuration, StorageOptions.Section, o => o.Problems());
        return services
            .AddShared(typeof(Database), typeof(Migrator), typeof(ServerSecretStore), typeof(BackupStore), typeof(StorageCopyStore),
                typeof(RollupStore))
            .AddPerRun(typeof(BackupJob));
    }
}
