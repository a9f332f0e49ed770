using System.Runtime.InteropServices;
using Dapper;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>
/// Highlights are decided when planning, in the window's own index: the marks a ledger row freezes are exactly what
/// FTS5's highlight() marks on the papers index itself, and sending renders them without asking the index again.
/// </summary>
public class AbstractMarksTests
{
    private const string Abstract = "We study selective state space models and their scaling. Mamba samplers beat naive diffusion sampling; "
                                    + "state-space layers scale linearly. Naïve baselines lag.";

    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [TestCase("mamba")]
    [TestCase("\"state space\"")]
    [TestCase("sampl*")]
    [TestCase("(models) OR (diffusion)")]
    [TestCase("NEAR(selective scaling, 5)")]
    [TestCase("mamba NOT transformer")]
    [TestCase("mamba NOT scaling")]
    [TestCase("title: kernels")]
    [TestCase("authors: lovelace")]
    [TestCase("naïve")]
    [TestCase("nothing-here-at-all")]
    [TestCase("\"unbalanced")]
    public void Marks_AreWhatThePapersIndexMarks(string query)
    {
        var (database, id) = PaperInIndex();
        using var connection = database.Open();

        using var window = MatchWindow.Load(connection, id - 1, id);
        using var store = window.Open();
        // Asked alone the paper is sought in the query's matches; asked with others (papers not in the window), the
        // query is evaluated once for all of them: the same marks either way.
        var sought = store.Spans([(id, query, 1)])[0];
        var evaluated = store.Spans([(id + 2, query, 0), (id, query, 0), (id + 1, query, 0), (id, query, 0)]);

        var marked = IndexHighlight(connection, id, query) ?? Abstract;
        Assert.That(DigestExcerpt.Mark(Abstract, sought), Is.EqualTo(marked));
        Assert.That(DigestExcerpt.Mark(Abstract, evaluated[1]), Is.EqualTo(marked));
        Assert.That(evaluated[3], Is.EqualTo(evaluated[1]));
        Assert.That(evaluated[0], Is.Empty);
        Assert.That(evaluated[2], Is.Empty);
    }

    [Test]
    public void Marks_OfSeveralLabels_AreWhatTheirQueriesTogetherMark()
    {
        var (database, id) = PaperInIndex();
        using var connection = database.Open();
        var queries = new Dictionary<string, string>
        {
            ["keyword:a"] = "\"state space\"", ["keyword:b"] = "space OR scale", ["keyword:c"] = "mamba", ["for-you:x"] = "ignored",
        };
        using var window = MatchWindow.Load(connection, id - 1, id);
        using var store = window.Open();
        // Each label's matches as the matcher would have found them: the paper, and the query that found it.
        var results = queries.Where(q => q.Key.StartsWith("keyword:", StringComparison.Ordinal))
            .ToDictionary(q => q.Key, q => new FilterResult(q.Key, new[] { new FilterHit(id, 1, 0) }, q.Value));
        var marks = new AbstractMarks(store, label => results.GetValueOrDefault(label));
        IReadOnlyList<DigestItem> list = [new(id, ["keyword:a", "keyword:b", "keyword:c"], 1), new(id, ["for-you:x"], 0.5)];

        marks.Mark([list, list]);

        var together = string.Join(" OR ", new[] { "a", "b", "c" }.Select(k => $"({queries["keyword:" + k]})"));
        Assert.That(DigestExcerpt.Mark(Abstract, list[0].MarkList()), Is.EqualTo(IndexHighlight(connection, id, together)));
        Assert.That(list[1].MarkList(), Is.Null, "a recommendation matched no query");
    }

    [Test]
    public void DecidedSpans_ReadBackAsAsked_OneSpanSeveralAndMerged_AndItemsOfOnePairShareThem()
    {
        var (database, id) = PaperInIndex();
        using var connection = database.Open();
        using var window = MatchWindow.Load(connection, id - 1, id);
        using var store = window.Open();
        var results = new Dictionary<string, FilterResult>
        {
            ["keyword:mamba"] = new("keyword:mamba", new[] { new FilterHit(id, 1, 0) }, "mamba"),
            ["keyword:state"] = new("keyword:state", new[] { new FilterHit(id, 1, 0) }, "\"state space\""),
        };
        var marks = new AbstractMarks(store, label => results.GetValueOrDefault(label));
        var one = store.Spans([(id, "mamba", 1)])[0];
        var several = store.Spans([(id, "\"state space\"", 1)])[0];
        Assume.That(one, Has.Length.EqualTo(2));
        Assume.That(several, Has.Length.EqualTo(4));
        IReadOnlyList<DigestItem> first = [new(id, ["keyword:mamba"], 1), new(id, ["keyword:state"], 1)];
        IReadOnlyList<DigestItem> second = [new(id, ["keyword:mamba"], 1), new(id, ["keyword:state", "keyword:mamba"], 1)];

        marks.Mark([first]);
        marks.Mark([second]);

        var merged = several.Concat(one).Chunk(2).OrderBy(span => span[0]).SelectMany(span => span).ToArray();
        Assert.That(first[0].Marks.ToArray(), Is.EqualTo(one), "one span");
        Assert.That(first[1].Marks.ToArray(), Is.EqualTo(several), "several spans");
        Assert.That(second[0].Marks.ToArray(), Is.EqualTo(one), "decided on the page before");
        Assert.That(second[1].Marks.ToArray(), Is.EqualTo(merged), "two labels' spans merged");
        // An item of one label slices the pair's spans where the run keeps them: no array of its own.
        Assert.That(MemoryMarshal.TryGetArray(first[0].Marks, out var kept), Is.True);
        Assert.That(MemoryMarshal.TryGetArray(second[0].Marks, out var shared), Is.True);
        Assert.That(shared.Array, Is.SameAs(kept.Array));
        Assert.That(kept.Array, Has.Length.GreaterThan(one.Length), "a chunk of the run's spans");
        Assert.That(shared.Offset, Is.EqualTo(kept.Offset));
    }

    [Test]
    public void RankedItems_AfterTheFirstPage_TakeDecidedMarksWhenMade_AndWaitForPairsAskedOnTheirOwnPage()
    {
        var (database, id) = PaperInIndex();
        using var connection = database.Open();
        using var window = MatchWindow.Load(connection, id - 1, id);
        using var store = window.Open();
        var state = new FilterResult("keyword:state", new[] { new FilterHit(id, 2, 0) }, "\"state space\"");
        var mamba = new FilterResult("keyword:mamba", new[] { new FilterHit(id, 1, 0) }, "mamba");
        var marks = new AbstractMarks(store, _ => null);
        var isNew = NewPapers.After(id - 1);

        // Page 1: ranked before any page was marked, so marking looks its labels up.
        var first = Ranking.Top([state], isNew, 20, DigestOrder.Relevance);
        marks.Mark([first]);
        // Page 2: one label decided on page 1, one never asked: the item waits for its page's highlights.
        var second = Ranking.Top([state, mamba], isNew, 20, DigestOrder.Relevance, marks);
        Assert.That(second[0].MarkList(), Is.Null, "not marked before its page's new pair is asked");
        marks.Mark([second]);
        // Page 3: every pair decided, so the item is marked as ranking makes it.
        var third = Ranking.Top([mamba], isNew, 20, DigestOrder.Relevance, marks);

        Assert.That(DigestExcerpt.Mark(Abstract, first[0].MarkList()), Is.EqualTo(IndexHighlight(connection, id, "\"state space\"")));
        Assert.That(second[0].Labels, Is.EqualTo(new[] { "keyword:state", "keyword:mamba" }), "best match first");
        Assert.That(DigestExcerpt.Mark(Abstract, second[0].MarkList()), Is.EqualTo(IndexHighlight(connection, id, "(\"state space\") OR (mamba)")));
        Assert.That(DigestExcerpt.Mark(Abstract, third[0].MarkList()), Is.EqualTo(IndexHighlight(connection, id, "mamba")), "marked without Mark");
    }

    [TestCase(new[] { 0, 1 }, Description = "ends inside a word")]
    [TestCase(new[] { 4, 8 }, Description = "starts after a word's first letter")]
    [TestCase(new[] { 3, 400 }, Description = "past the end")]
    [TestCase(new[] { 8, 13, 3, 7 }, Description = "out of order")]
    [TestCase(new[] { 3 }, Description = "half a span")]
    public void Marks_ThatNoLongerFitTheAbstract_AreDropped(int[] spans) =>
        Assert.That(DigestExcerpt.Mark("We study selective state", spans), Is.EqualTo("We study selective state"));

    [Test]
    public async Task PlannedRow_FreezesTheMarks_AndTheSentDigestShowsThem_UntilThePaperIsRevised()
    {
        var confirmed = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        var due = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        await using var world = new DigestWorld(confirmed);
        var paper = world.AddPaper("Mamba Goes Multimodal", "Selective state spaces for video; Mamba scales.", confirmed.AddHours(1));
        var reader = world.AddReader("reader@example.org", confirmed, [Keyword("mamba")]);
        world.Clock.SetUtcNow(due);
        Assert.That(world.Planner.PlanDue(due), Is.EqualTo(1));

        var row = world.Rows(reader.Id).Single();
        Assert.That(FrozenItems.Read(row.ItemsJson).Single().MarkList(), Is.EqualTo(new[] { 34, 39 }), "the one word of the abstract the query matched");
        var composer = world.Get<DigestComposer>();
        Assert.That(composer.Compose(row).Message.Parsed().HtmlBody, Does.Contain(">Mamba</mark> scales."));

        using (var connection = world.Get<Database>().Open())
            connection.Execute("UPDATE papers SET abstract = 'Mamba, revised: now longer.' WHERE id = @paper", new { paper });
        var revised = composer.Compose(row).Message.Parsed().HtmlBody;
        Assert.That(revised, Does.Contain("Mamba, revised: now longer.").And.Not.Contain("</mark>"));
    }

    private (Database Database, long Id) PaperInIndex()
    {
        var database = LedgerSeed.Migrated(_workspace.DatabasePath);
        using var connection = database.Open();
        var id = connection.ExecuteScalar<long>(
            """
            INSERT INTO papers (paper_key, title, normalized_title, abstract, authors, first_seen_at, updated_at)
            VALUES ('h-1', 'Efficient Mamba Kernels for Selective State Space Models', 'h-1', @Abstract, 'Ada Lovelace, Alan Turing',
                    '2026-11-24T00:00:00Z', '2026-11-24T00:00:00Z') RETURNING id
            """, new { Abstract });
        return (database, id);
    }

    /// <summary>The abstract as highlight() marks it on papers_fts, or null when the query does not match (or FTS5 refuses it).</summary>
    private static string? IndexHighlight(Microsoft.Data.Sqlite.SqliteConnection connection, long id, string query)
    {
        try
        {
            return connection.ExecuteScalar<string?>(
                "SELECT highlight(papers_fts, 1, @start, @end) FROM papers_fts WHERE papers_fts MATCH @query AND rowid = @id",
                new { start = DigestExcerpt.MarkStart.ToString(), end = DigestExcerpt.MarkEnd.ToString(), query, id });
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return null;
        }
    }
}
