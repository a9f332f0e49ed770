using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Newsletter.Storage;

/// <summary>
/// ASP.NET Data Protection's key ring in the database (<c>data_protection_keys</c>, migration 0023), so a backup of
/// the one file carries the keys that seal antiforgery tokens. Keys a version before kept in a folder
/// (<paramref name="legacyFolder"/>, <c>keys/</c> beside the database) are copied in once, the first time the ring is
/// read and the table is empty, so forms opened before the upgrade still submit after it.
/// </summary>
public sealed class DataProtectionKeyStore(Database database, TimeProvider clock, string? legacyFolder = null) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.Connect();
        var stored = connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, name").AsList();
        if (stored.Count == 0 && legacyFolder is not null && Directory.Exists(legacyFolder))
        {
            foreach (var file in Directory.EnumerateFiles(legacyFolder, "*.xml").Order(StringComparer.Ordinal))
                StoreElement(XElement.Load(file), Path.GetFileNameWithoutExtension(file));
            stored = connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, name").AsList();
        }
        return stored.Select(xml => XElement.Parse(xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = database.Connect();
        connection.Execute(
            "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@friendlyName, @xml, @now) ON CONFLICT (name) DO NOTHING",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), now = clock.GetUtcNow() });
    }
}
