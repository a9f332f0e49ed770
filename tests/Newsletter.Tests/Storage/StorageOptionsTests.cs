using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Storage;

public class StorageOptionsTests
{
    [Test]
    public void Start_FailsNamingTheKey_WhenPostgresHasNoConnectionString()
    {
        var result = NewsletterProcess.Run(new Dictionary<string, string> { ["Storage:Provider"] = "postgres" }, "send-due", "--dry-run");

        var line = result.AssertRefusedToStart("Storage:ConnectionString");
        Assert.That(line, Does.Contain("required"));
    }

    [Test]
    public void Start_FailsNamingTheKey_WhenTheProviderIsUnknown()
    {
        var result = NewsletterProcess.Run(new Dictionary<string, string> { ["Storage:Provider"] = "mysql" }, "send-due", "--dry-run");

        result.AssertRefusedToStart("Storage:Provider");
    }

    [TestCase("Host=127.0.0.1;Bogus Key=1", "cannot be read")]
    [TestCase("Database=newsletter", "must name a Host")]
    public void ConnectionString_IsCheckedBeforeAnyConnection(string connectionString, string problem)
    {
        var options = new StorageOptions { Provider = StorageProviders.Postgres, ConnectionString = connectionString };

        Assert.That(options.Problems().Single(), Does.StartWith("Storage:ConnectionString").And.Contain(problem));
    }

    [Test]
    public void Sqlite_NeedsNoConnectionString()
    {
        Assert.That(new StorageOptions().Problems(), Is.Empty);
    }
}
