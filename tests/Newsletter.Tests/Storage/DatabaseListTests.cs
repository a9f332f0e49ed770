using Dapper;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Storage;

public class DatabaseListTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public void List_IsReadBackWhole_ByJsonEach()
    {
        var database = new Database(_workspace.DatabasePath);
        using var connection = database.Open();
        long[] ids = [1, 42, long.MaxValue, 7];
        string[] texts = ["plain", "a \"quoted\" word", @"back\slash", "line\nbreak\ttab", "é ✓", ""];

        var readIds = connection.Query<long>("SELECT value FROM json_each(@list)", new { list = database.List(ids) });
        var readTexts = connection.Query<string>("SELECT value FROM json_each(@list)", new { list = database.List(texts) });

        Assert.That(readIds, Is.EqualTo(ids), "every id, in order, exactly");
        Assert.That(readTexts, Is.EqualTo(texts), "texts needing escapes come back as given");
        Assert.That(connection.Query<long>("SELECT value FROM json_each(@list)", new { list = database.List(Array.Empty<long>()) }), Is.Empty);
    }
}
