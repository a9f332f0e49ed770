using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Storage;

/// <summary>
/// The Storage stores on both providers. Two <see cref="Database"/> objects on one database stand for two nodes:
/// what one writes (a secret, a key ring) the other must use.
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class SharedStoreTests(string provider) : OnBothProviders(provider)
{
    [Test]
    public void ServerSecret_FirstWriterWins_AndSetReplaces()
    {
        var secrets = new ServerSecretStore(Db.Database);

        Assert.That(secrets.Find("k"), Is.Null);
        Assert.That(secrets.TryAdd("k", "first", Now), Is.True);
        Assert.That(secrets.TryAdd("k", "second", Now), Is.False);
        Assert.That(secrets.Find("k"), Is.EqualTo("first"));

        secrets.Set("k", "third", Now.AddHours(1));

        Assert.That(secrets.Find("k"), Is.EqualTo("third"));
    }

    [Test]
    public void LinkMadeOnOneNode_IsFoundOnAnother()
    {
        using var other = Db.OpenSecondNode();
        var subscriberId = new SubscriberStore(Db.Database).EnsureExists("reader@example.org", new SubscriptionRequest(), Now);
        var nodeA = new TokenStore(Db.Database, new ServerSecretStore(Db.Database));
        var nodeB = new TokenStore(other, new ServerSecretStore(other));

        var token = nodeA.LongLived(subscriberId, TokenStore.Unsubscribe, Now);

        Assert.That(nodeB.Derive(TokenStore.Unsubscribe, subscriberId, Now), Is.EqualTo(token), "both nodes derive with one key");
        Assert.That(nodeB.Find(token, TokenStore.Unsubscribe, Now), Is.EqualTo(new TokenLookup(TokenStatus.Valid, subscriberId)));
        Assert.That(nodeB.Find(token, TokenStore.Manage, Now).Status, Is.EqualTo(TokenStatus.Unknown), "a token works for its own purpose only");
    }

    [Test]
    public void TwoNodesIssuingLinksForTheSameNewReaders_InOppositeOrders_BothSucceed_WithOneRowEach()
    {
        using var other = Db.OpenSecondNode();
        var subscribers = new SubscriberStore(Db.Database);
        var ids = Enumerable.Range(0, 300).Select(i => subscribers.EnsureExists($"reader{i}@example.org", new SubscriptionRequest(), Now)).ToList();
        var nodeA = new TokenStore(Db.Database, new ServerSecretStore(Db.Database));
        var nodeB = new TokenStore(other, new ServerSecretStore(other));
        nodeA.LoadKey(Now);
        using var start = new Barrier(2);

        // Two sending batches that meet the same first-time readers, one walking them up, the other down: without
        // one lock order, PostgreSQL ends one of the two as a deadlock victim.
        var up = Task.Run(() => { start.SignalAndWait(); return nodeA.LongLived(ids, TokenStore.Manage, Now); });
        var down = Task.Run(() => { start.SignalAndWait(); return nodeB.LongLived(ids.AsEnumerable().Reverse().ToList(), TokenStore.Manage, Now); });

        Assert.That(() => Task.WaitAll(up, down), Throws.Nothing);
        Assert.That(up.Result.Values, Is.EquivalentTo(down.Result.Values), "both nodes hand out the same links");
        using var connection = Db.Database.Connect();
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM tokens WHERE purpose = 'manage'"), Is.EqualTo(ids.Count), "one row a reader");
    }

    [Test]
    public void FormSealedOnOneNode_OpensOnAnother()
    {
        using var other = Db.OpenSecondNode();
        using var nodeA = KeyRingOn(Db.Database);
        using var nodeB = KeyRingOn(other);

        var sealedText = nodeA.GetDataProtector("antiforgery").Protect("form token");

        Assert.That(nodeB.GetDataProtector("antiforgery").Unprotect(sealedText), Is.EqualTo("form token"));
        using var connection = Db.Database.Connect();
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM data_protection_keys"), Is.EqualTo(1), "one key, made once and shared");
    }

    [Test]
    public void Backup_IsAFileCopyOnSqlite_AndPointsToPgDumpOnPostgres()
    {
        using var workspace = new TestWorkspace();
        var backups = new BackupStore(Db.Database, TimeProvider.System);
        var target = workspace.PathFor("copy.db");

        if (Provider == StorageProviders.Postgres)
        {
            Assert.That(() => backups.Write(target), Throws.TypeOf<NotSupportedException>().With.Message.Contains("pg_dump"));
            Assert.That(File.Exists(target), Is.False);
            Assert.That(backups.Last(), Is.Null);
            return;
        }
        var record = backups.Write(target);
        Assert.That(new FileInfo(target).Length, Is.EqualTo(record.Bytes).And.GreaterThan(0));
        Assert.That(backups.Last(), Is.EqualTo(record));
    }

    private static ServiceProvider KeyRingOn(Database database)
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("Newsletter");
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new DataProtectionKeyStore(database, TimeProvider.System));
        return services.BuildServiceProvider();
    }
}
