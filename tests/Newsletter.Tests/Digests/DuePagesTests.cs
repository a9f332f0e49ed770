using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>
/// The due readers a run plans, page by page, each with its own filters: the same whether each page is read when it
/// is asked for or read ahead on a second connection while the one before is planned.
/// </summary>
public class DuePagesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task ReadingAhead_GivesEachPageItsReadersAndTheirFilters()
    {
        await using var world = new DigestWorld(Now);
        world.AddPaper("Widgets", "About widgets.", Now.AddHours(-5));
        world.AddPaper("Gadgets", "About gadgets.", Now.AddHours(-5));
        world.AddPaper("Sprockets", "About sprockets.", Now.AddHours(-5));
        var confirmed = Now.AddHours(-20);
        var widgets = world.AddReader("a@example.org", confirmed, [Keyword("widgets")]).Id;
        var none = world.AddReader("b@example.org", confirmed, []).Id;
        var later = world.AddReader("c@example.org", confirmed, [Keyword("gadgets")]).Id;
        var two = world.AddReader("d@example.org", confirmed, [Keyword("widgets"), Keyword("gadgets")]).Id;
        var gone = world.AddReader("e@example.org", confirmed, [Keyword("widgets")]).Id;
        var sprockets = world.AddReader("f@example.org", confirmed, [Keyword("sprockets")]).Id;
        var last = world.AddReader("g@example.org", confirmed, [Keyword("gadgets")]).Id;
        using (var connection = world.Get<Database>().Connect())
        {
            // Readers who are not due sit between due ones: their filters must not go to a neighbour.
            connection.Execute("UPDATE subscribers SET next_due_at = @due WHERE id = @later", new { due = Now.AddDays(3), later });
            connection.Execute("UPDATE subscribers SET state = 'unsubscribed' WHERE id = @gone", new { gone });
        }
        var at = Now.AddHours(2);

        var asked = Pages(world, at, readAhead: false);
        var readAhead = Pages(world, at, readAhead: true);

        string[][] expected =
        [
            [$"{widgets}: keyword:widgets", $"{none}: "],
            [$"{two}: keyword:gadgets keyword:widgets", $"{sprockets}: keyword:sprockets"],
            [$"{last}: keyword:gadgets"],
        ];
        Assert.That(asked, Is.EqualTo(expected));
        Assert.That(readAhead, Is.EqualTo(expected));
    }

    // Every page of two readers, each reader as "id: the labels of their filters".
    private static List<string[]> Pages(DigestWorld world, DateTimeOffset at, bool readAhead)
    {
        var database = world.Get<Database>();
        using var connection = database.Connect();
        using var window = MatchWindow.Load(connection, 0, PaperMatchStore.LatestPaper(connection));
        using var matcher = new WindowMatcher(window, window.Open(), world.Get<TopicCatalog>(), world.Get<IOptions<QueryOptions>>().Value,
            world.Clock, NullLogger.Instance);
        using var ahead = readAhead ? database.Connect() : null;
        using var pages = new DuePages(connection, at, pageSize: 2, claimPages: false, emails: false, ahead);
        var read = new List<string[]>();
        while (pages.Next(matcher))
        {
            read.Add(pages.Readers.Select((reader, i) =>
                $"{reader.Id}: {string.Join(' ', pages.FiltersOf(i).ToArray().Select(f => f.Label))}").ToArray());
        }
        return read;
    }
}
