using Dapper;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Bounces;

/// <summary>
/// The checked-in reports (Fixtures/Bounces) and a database they fit: the fixed link key their signed tokens were
/// made with, and readers 1..9 with one sent digest each (rows 1..9).
/// </summary>
internal static class BounceFixtures
{
    /// <summary>32 bytes of 0x42, base64: the key the fixtures' VERP tags and headers were signed with.</summary>
    public const string Key = "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=";
    public const string ReturnPath = "bounces@newsletter.localhost";
    public const int Readers = 9;

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Bounces", name);

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    /// <summary>Seeds the database the fixtures fit.</summary>
    public static void Seed(string path)
    {
        var database = LedgerSeed.Migrated(path);
        using (var connection = database.Open())
            connection.Execute(
                "INSERT INTO server_secrets (name, value, created_at) VALUES ('link-token-key', @Key, @now)",
                new { Key, now = DateTimeOffset.UtcNow });
        LedgerSeed.Readers(path, Readers);
        using var c = database.Open();
        c.Execute("UPDATE deliveries SET state = 'sent', sent_at = created_at, server_reply = '250 ok'");
    }

    public static Dictionary<string, string?> Settings(TestWorkspace workspace) => new() { ["Delivery:ReturnPath"] = ReturnPath };
}
