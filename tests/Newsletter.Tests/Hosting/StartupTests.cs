using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Hosting;

/// <summary>Bad settings stop the real executable with one line naming the key, not a stack trace.</summary>
public class StartupTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private Dictionary<string, string> Settings(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath,
            ["Smtp:PickupDirectory"] = _workspace.Outbox,
        };
        foreach (var (key, value) in overrides) settings[key] = value;
        return settings;
    }

    [Test]
    public void Start_Fails_NamingSmtpSecurity_WhenTheModeIsUnknown()
    {
        var result = NewsletterProcess.Run(Settings(("Smtp:Security", "tls13-please")), "send-due");

        result.AssertRefusedToStart("Smtp:Security");
    }

    [Test]
    public void Start_Fails_NamingMailFrom_WhenItIsMissing()
    {
        var result = NewsletterProcess.Run(Settings(("Mail:From", "")), "send-due");

        result.AssertRefusedToStart("Mail:From");
    }

    [Test]
    public void Start_Fails_NamingStorageDatabase_WhenTheFolderIsUnwritable()
    {
        File.WriteAllText(_workspace.PathFor("a-file"), "x");
        var result = NewsletterProcess.Run(
            Settings(("Storage:Database", _workspace.PathFor("a-file/data/newsletter.db"))), "send-due");

        result.AssertRefusedToStart("Storage:Database");
    }

    [Test]
    public void Start_Fails_NamingTheTemplateFileAndLine_WhenATemplateIsBroken()
    {
        var templates = _workspace.PathFor("templates");
        foreach (var file in Directory.GetFiles(RepositoryPaths.Templates, "*.sbn", SearchOption.AllDirectories))
        {
            var target = Path.Combine(templates, Path.GetRelativePath(RepositoryPaths.Templates, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.AppendAllText(Path.Combine(templates, "digest.txt.sbn"), "\n{{ if }}\n");

        var result = NewsletterProcess.Run(Settings(("Templates:Path", templates)), "send-due");

        result.AssertRefusedToStart("digest.txt.sbn(");
    }

    [Test]
    public void Help_ListsEveryVerb()
    {
        var result = NewsletterProcess.Run(Settings(), "--help");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("ingest").And.Contain("send-due").And.Contain("serve"));
    }

    [Test]
    public void Start_PacksTasteModelsStoredAsJson_AndEmptiesTheOldTable()
    {
        Assert.That(NewsletterProcess.Run(Settings(), "send-due").ExitCode, Is.Zero, "the first start creates the database");
        const string json = """{"profile":{"protein":0.6},"liked":[],"marked":[10]}""";
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False"))
        {
            // As a reader's model was stored before migration 0028.
            connection.Execute("INSERT INTO subscribers (email, state, created_at) VALUES ('t@example.org', 'pending', '2026-11-20T08:00:00.000Z')");
            connection.Execute("INSERT INTO reader_models (subscriber_id, model, built_at) SELECT id, @json, '2026-11-20T08:00:00.000Z' FROM subscribers", new { json });
        }

        var result = NewsletterProcess.Run(Settings(), "send-due");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        using var after = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        Assert.That(after.ExecuteScalar<long>("SELECT count(*) FROM reader_models"), Is.Zero);
        Assert.That(after.ExecuteScalar<long>("SELECT count(*) FROM reader_tastes"), Is.EqualTo(1));
    }
}
