using Dapper;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>
/// A sending run renders each paper once and places it in every digest that holds it, the rest of each digest being
/// the reader's own; and the archive links of ledger rows, which are derived rather than stored.
/// </summary>
public class PaperFragmentTests() : DigestWorldFixture(Confirmed)
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private IReadOnlyList<DeliveryRow> _rows = null!;

    [SetUp]
    public void SetUp()
    {
        World.AddPaper("Mamba Goes Multimodal", "Selective state spaces for <video> & audio.", Confirmed.AddHours(1), "A. One, B. Two", 12, "2611.00001");
        World.AddPaper("Fast Diffusion Samplers", "Fewer denoising steps for diffusion.", Confirmed.AddHours(1));
        SubscriberFilter[] same = [Topic("state-space-models"), Keyword("diffusion")];
        var first = World.AddReader("o'brien&co@example.org", Confirmed, same);
        var second = World.AddReader("second@example.org", Confirmed, same);
        World.Clock.SetUtcNow(Due);
        Assert.That(World.Planner.PlanDue(Due), Is.EqualTo(2));
        _rows = [.. World.Rows(first.Id), .. World.Rows(second.Id)];
    }

    [Test]
    public void RunFragments_GiveEachReaderExactlyTheDigestRenderedOnItsOwn()
    {
        var composer = World.Get<DigestComposer>();
        var fragments = new PaperFragments();
        var batch = composer.Load(_rows, fragments);

        foreach (var row in _rows)
        {
            var placed = composer.Compose(row, batch).Message.Parsed();
            var own = composer.Compose(row).Message.Parsed();
            Assert.That(placed.Subject, Is.EqualTo(own.Subject));
            Assert.That(placed.HtmlBody, Is.EqualTo(own.HtmlBody));
            Assert.That(placed.TextBody, Is.EqualTo(own.TextBody));
        }
        var papers = _rows.SelectMany(DeliveryStore.Items).Select(i => i.Paper).Distinct().Count();
        Assert.That(papers, Is.GreaterThan(0));
        Assert.That(fragments.Count, Is.EqualTo(papers), "each paper rendered once for both readers");
    }

    [Test]
    public void RunFragments_AreOnePerPaper_WhateverFiltersAndHighlightsTheReadersHave()
    {
        var (renderer, fragments, batch, item, paper) = LoadedRun();
        var otherLabels = item with { Labels = [.. item.Labels, "keyword:other"] };
        var noMarks = item with { Marks = default };

        var first = fragments.Entry(paper, item, renderer);
        var other = fragments.Entry(paper, otherLabels, renderer);
        var pieces = fragments.Pieces;
        var plain = fragments.Entry(paper, noMarks, renderer);

        Assert.That(other.Rendered, Is.SameAs(first.Rendered), "another reader's labels share the paper's fragment");
        Assert.That(plain.Rendered, Is.SameAs(first.Rendered), "so do other highlights");
        Assert.That(other.Matched, Is.Not.SameAs(first.Matched));
        Assert.That(other.Matched!.Text.Source, Does.EndWith("your search: other"));
        Assert.That(plain.Rendered!.Excerpt.Html(plain.Marks), Does.Not.Contain("<mark"));
        Assert.That(first.Rendered!.Excerpt.Html(first.Marks), Does.Contain("<mark"), "the planned highlights");
        Assert.That(plain.Rendered.Excerpt, Is.SameAs(first.Rendered.Excerpt), "one excerpt a paper, whatever the highlights");
        Assert.That(fragments.Count, Is.EqualTo(batch.Papers.Count));
        Assert.That(fragments.Pieces, Is.EqualTo(pieces), "a piece per list of matched filters, none per set of highlights");
    }

    [Test]
    public void RunFragments_LeaveEachReaderTheirOwnAddressAndLinks()
    {
        var composer = World.Get<DigestComposer>();
        var batch = composer.Load(_rows, new PaperFragments());
        var messages = _rows.Select(row => composer.Compose(row, batch)).Select(d => d with { Message = d.Message.Parsed() }).ToList();

        Assert.That(messages[0].Message.HtmlBody, Does.Contain("o&#39;brien&amp;co@example.org").Or.Contain("o&#x27;brien&amp;co@example.org"));
        Assert.That(messages[0].Message.TextBody, Does.Contain("o'brien&co@example.org"));
        Assert.That(messages[1].Message.TextBody, Does.Contain("second@example.org").And.Not.Contain("brien"));
        for (var i = 0; i < messages.Count; i++)
        {
            var text = messages[i].Message.TextBody;
            Assert.That(text, Does.Contain(messages[i].Links.Unsubscribe).And.Contain(messages[i].Links.Manage));
            Assert.That(text, Does.Contain("/digests/" + World.Get<DigestArchive>().Token(_rows[i].Id)));
        }
        Assert.That(messages[0].Links.Unsubscribe, Is.Not.EqualTo(messages[1].Links.Unsubscribe));
    }

    [Test]
    public void Fragment_IsRenderedAnew_WhenThePaperWasUpdatedWithinTheRun()
    {
        var (renderer, fragments, _, item, paper) = LoadedRun();
        var before = fragments.Entry(paper, item, renderer);

        var revised = fragments.Entry(paper with { Title = "Revised: " + paper.Title }, item, renderer);

        Assert.That(revised.Rendered, Is.Not.SameAs(before.Rendered));
        Assert.That(revised.Rendered!.Html.Compose("", "", ""), Does.Contain("Revised: "));
        Assert.That(before.Rendered!.Html.Compose("", "", ""), Does.Not.Contain("Revised: "));
    }

    [Test]
    public void RunPapers_AreReadOnce_AndAgainWhenAListingChangedThem()
    {
        var composer = World.Get<DigestComposer>();
        var fragments = new PaperFragments();
        var first = composer.Load(_rows, fragments);
        var mamba = first.Papers.Values.Single(p => p.Title == "Mamba Goes Multimodal");

        var again = composer.Load(_rows, fragments);

        Assert.That(again.Papers.Keys, Is.EquivalentTo(first.Papers.Keys));
        foreach (var (id, paper) in first.Papers)
            Assert.That(again.Papers[id], Is.SameAs(paper), "a paper that did not change is the run's copy, not read again");

        World.Clock.Advance(TimeSpan.FromMinutes(1));
        World.Get<Newsletter.Listings.PaperStore>().Merge(
            [new Newsletter.Listings.ListingEntry("Mamba Goes Multimodal", "Revised: selective state spaces for speech.") { ArxivId = "2611.00001", UpdateOnly = true }], "rss");
        var after = composer.Load(_rows, fragments);

        Assert.That(after.Papers[mamba.Id].Abstract, Does.StartWith("Revised:"), "the revised paper is read again");
        Assert.That(after.Papers.Values.Where(p => p.Id != mamba.Id), Is.All.Matches<Newsletter.Listings.Paper>(p => ReferenceEquals(p, first.Papers[p.Id])));
        Assert.That(composer.Compose(_rows[0], after).Message.Parsed().TextBody, Does.Contain("Revised: selective state spaces"));
    }

    [Test]
    public void RunPapers_DeletedWithinTheRun_AreLeftOutOfTheNextBatch()
    {
        var composer = World.Get<DigestComposer>();
        var fragments = new PaperFragments();
        var first = composer.Load(_rows, fragments);
        var gone = first.Papers.Keys.First();
        var frozen = _rows.SelectMany(DeliveryStore.Items).Count(i => i.Paper == gone);
        using (var connection = World.Get<Database>().Open())
            connection.Execute("DELETE FROM papers WHERE id = @gone", new { gone });

        var after = composer.Load(_rows, fragments);

        Assert.That(after.Papers.Keys, Does.Not.Contain(gone), "the run's copy is not used once a paper was removed");
        Assert.That(after.MissingPapers, Is.EqualTo(frozen));
        Assert.That(after.Papers.Count, Is.EqualTo(first.Papers.Count - 1));
    }

    [Test]
    public void Fragment_FailsNamingTheValues_WhenATemplateChangesAReadersPartInsteadOfPlacingIt()
    {
        using var workspace = new TestWorkspace();
        var folder = workspace.PathFor("templates");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(RepositoryPaths.Templates, "*.sbn"))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var paperTemplate = Path.Combine(folder, "digest.paper.html.sbn");
        File.WriteAllText(paperTemplate, File.ReadAllText(paperTemplate).Replace("{{ paper.excerpt_html }}", "{{ paper.excerpt_html | string.append \"…\" }}"));
        var renderer = new DigestRenderer(new Newsletter.Templates.TemplateCatalog(folder), new TopicCatalog(DigestSamples.Topics),
            Microsoft.Extensions.Options.Options.Create(new DigestOptions()));

        var fault = Assert.Throws<InvalidOperationException>(() => renderer.Fragment(DigestSamples.Entries[0]));
        Assert.That(fault!.Message, Does.Contain("paper.excerpt_html"));
    }

    /// <summary>A run's fragments after loading both rows, with the first row's first item and its paper.</summary>
    private (DigestRenderer Renderer, PaperFragments Fragments, DigestBatch Batch, DigestItem Item, Newsletter.Listings.Paper Paper) LoadedRun()
    {
        var fragments = new PaperFragments();
        var batch = World.Get<DigestComposer>().Load(_rows, fragments);
        var item = DeliveryStore.Items(_rows[0]).First();
        return (World.Get<DigestRenderer>(), fragments, batch, item, batch.Papers[item.Paper]);
    }

    [Test]
    public void ArchiveToken_IsTheSameForEveryAttempt_AndOpensOnlyItsOwnRow()
    {
        var archive = World.Get<DigestArchive>();
        var token = archive.Token(_rows[0].Id);
        var forged = _rows[1].Id + token[token.IndexOf('.')..];

        Assert.That(archive.Token(_rows[0].Id), Is.EqualTo(token));
        Assert.That(archive.Find(token), Is.EqualTo(_rows[0].Id));
        Assert.That(archive.Find(forged), Is.Null, "another row's id with this row's code");
        Assert.That(archive.Find(token[..^2]), Is.Null);
        Assert.That(archive.Find("x." + token[(token.IndexOf('.') + 1)..]), Is.Null);
    }

    [Test]
    public void ArchiveToken_IssuedBeforeAsAStoredRandomToken_StillOpensItsRow()
    {
        using (var connection = World.Get<Database>().Open())
            connection.Execute(
                "INSERT INTO digest_archive_tokens (hash, delivery_id, created_at) VALUES (@hash, @id, @now)",
                new { hash = TokenStore.Hash("an-old-random-token"), id = _rows[1].Id, now = Due });

        Assert.That(World.Get<DigestArchive>().Find("an-old-random-token"), Is.EqualTo(_rows[1].Id));
    }

    [Test]
    public void LongLivedTokens_ForABatch_AreStoredOncePerReaderAndPurpose()
    {
        var links = World.Get<SubscriptionLinks>();
        var ids = _rows.Select(r => r.SubscriberId).ToList();
        var first = links.TokensFor(ids);
        var again = links.TokensFor(ids);
        using var connection = World.Get<Database>().Open();

        Assert.That(again, Is.EquivalentTo(first));
        Assert.That(connection.ExecuteScalar<long>("SELECT COUNT(*) FROM tokens WHERE purpose IN ('manage', 'unsubscribe')"), Is.EqualTo(4));
        Assert.That(links.ForDigest(ids[0], []).Unsubscribe, Does.EndWith("/unsubscribe/" + first[ids[0]].Unsubscribe));
    }
}
