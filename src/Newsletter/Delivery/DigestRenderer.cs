using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Newsletter.Digests;
using Newsletter.Listings;
using Newsletter.Mail;
using Newsletter.Matching;
using Newsletter.Templates;
using Scriban.Functions;
using Scriban.Runtime;

namespace Newsletter.Delivery;

/// <summary>
/// Renders <see cref="DigestContent"/> through <c>digest.subject.sbn</c>, <c>digest.html.sbn</c> and
/// <c>digest.txt.sbn</c>: papers in the ledger's order, each a fragment of its own (<c>digest.paper.*.sbn</c>: the
/// reader's filters it matched, excerpt cut and highlighted, authors shortened) that a sending run renders once.
/// </summary>
public sealed class DigestRenderer(TemplateCatalog templates, TopicCatalog topics, IOptions<DigestOptions> options)
{
    private const int AuthorsShown = 3;

    /// <summary>The subject, HTML and text of a digest; parts already rendered this run are placed as they are.</summary>
    public RenderedDigest Render(DigestContent content)
    {
        var model = Model(content, placed: null);
        return new RenderedDigest(
            templates.Render("digest.subject.sbn", model).Trim(),
            templates.Render("digest.html.sbn", model),
            templates.Render("digest.txt.sbn", model));
    }

    /// <summary>
    /// Writes the digest's text and HTML parts into <paramref name="body"/> as they go on the wire, each paper placed
    /// from its fragment's runs and its reader's pieces, each encoded once for the run and copied; returns the subject.
    /// </summary>
    public string Write(DigestContent content, AlternativeBody body)
    {
        var placed = new List<PlacedText>(2 * content.Entries.Count);
        var model = Model(content, placed);
        var values = new List<string>(2 * placed.Capacity + 16);
        // A run's digests with recommendations are few and each unlike the next: those are evaluated whole.
        var frame = content.Frames is { } frames && !content.Entries.Any(IsRecommended) ? Frame(frames, model, values) : null;
        Part(frame?.Text, "digest.txt.sbn", body.Part("plain"));
        Part(frame?.Html, "digest.html.sbn", body.Part("html"));
        return (frame?.Subject is { } subject ? subject.Assemble(values) : templates.Render("digest.subject.sbn", model)).Trim();

        void Part(EncodedFrame? part, string name, QuotedPrintableWriter writer)
        {
            var output = new DigestOutput(writer, placed);
            if (part is null) templates.Write(name, model, output);
            else part.WriteTo(writer, output, values);
        }
    }

    /// <summary>What differs from one reader to the next in the digest templates' model: their holes.</summary>
    private static readonly FrameHoles Holes = new(
        new HashSet<string>(StringComparer.Ordinal) { "email", "archive_url", "subscribe_url", "manage_url", "feedback_url", "unsubscribe_url", "lead", "date", "date_long" },
        new Dictionary<string, FrameHoles.ListHoles>(StringComparer.Ordinal)
        {
            ["papers"] = new(new HashSet<string>(StringComparer.Ordinal) { "html", "text" }, new HashSet<string>()),
            ["stops"] = new(new HashSet<string>(StringComparer.Ordinal) { "name", "url" }, new HashSet<string>(StringComparer.Ordinal) { "is_search" }),
        });

    private static readonly string[] DigestTemplates = ["digest.subject.sbn", "digest.html.sbn", "digest.txt.sbn"];

    // The digest templates that use the holes only as a frame can keep them (the rest are evaluated per digest).
    private readonly HashSet<string> _framed = DigestTemplates.Where(name => templates.CanSplit(name, Holes)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The run's frames for the digest's shape, made with its first digest; <paramref name="values"/> gets the digest's holes.</summary>
    private DigestFrame Frame(DigestFrames frames, ScriptObject model, List<string> values)
    {
        var key = t_key ??= new StringBuilder(1024);
        key.Clear();
        Holes.Split(model, key, values);
        if (t_keyChars is null || t_keyChars.Length < key.Length) t_keyChars = new char[Math.Max(2 * key.Length, 1024)];
        key.CopyTo(0, t_keyChars, key.Length);
        return frames.Find(t_keyChars.AsSpan(0, key.Length)) ?? frames.Add(key.ToString(), NewFrame(model, values));
    }

    // The key of a digest's shape is written and looked up in these, one of each per thread.
    [ThreadStatic] private static StringBuilder? t_key;
    [ThreadStatic] private static char[]? t_keyChars;

    private DigestFrame NewFrame(ScriptObject model, List<string> values)
    {
        var standIns = Holes.StandIns(model);
        var html = Framed("digest.html.sbn", standIns, model, values);
        var text = Framed("digest.txt.sbn", standIns, model, values);
        return new DigestFrame(Framed("digest.subject.sbn", standIns, model, values), html is null ? null : new EncodedFrame(html), text is null ? null : new EncodedFrame(text));
    }

    /// <summary>
    /// A template's frame for the shape of <paramref name="model"/>, or null: the first digest of each shape is rendered
    /// both ways, and a frame that does not give its text exactly is not used.
    /// </summary>
    private TemplateFrame? Framed(string name, ScriptObject standIns, ScriptObject model, List<string> values)
    {
        if (!_framed.Contains(name)) return null;
        var frame = TemplateFrame.Parse(templates.Render(name, standIns));
        return frame is not null && frame.Assemble(values) == templates.Render(name, model) ? frame : null;
    }

    /// <summary>One paper of <paramref name="entry"/> as an email shows it (see <see cref="Fragment(Paper, bool, bool)"/>).</summary>
    public PaperFragment Fragment(DigestEntry entry) => Fragment(entry.Paper, ExcerptOf(entry).Excerpt, entry.Labels.Count > 0, hasFeedback: true);

    /// <summary>
    /// One paper through <c>digest.paper.html.sbn</c> and <c>digest.paper.txt.sbn</c>, with holes where each digest
    /// places its reader's parts (<see cref="Matched"/>, the highlights of its excerpt, the feedback address): rendered
    /// once a run for every reader.
    /// </summary>
    public PaperFragment Fragment(Paper paper, bool hasMatched, bool hasFeedback) =>
        Fragment(paper, PaperExcerpt.Of(paper.Abstract, ExcerptLength), hasMatched, hasFeedback);

    private PaperFragment Fragment(Paper paper, PaperExcerpt excerpt, bool hasMatched, bool hasFeedback)
    {
        var model = PaperModel(paper);
        model["has_matched"] = hasMatched;
        model["has_feedback"] = hasFeedback;
        model["feedback_url"] = FragmentRecorder.FeedbackHole;
        model["matched_html"] = model["matched_text"] = FragmentRecorder.MatchedHole;
        model["excerpt_html"] = FragmentRecorder.ExcerptHole;
        // Highlights show only in HTML: the text part's excerpt is every reader's (its later lines indented by Scriban).
        model["excerpt_text"] = excerpt.Text;
        var global = new ScriptObject { ["paper"] = model };
        var html = new FragmentRecorder();
        templates.Write("digest.paper.html.sbn", global, html);
        var text = new FragmentRecorder();
        templates.Write("digest.paper.txt.sbn", global, text);
        // The digest places each fragment on a line of its own: the line end the HTML template file closes with goes.
        return new PaperFragment(paper, excerpt, hasMatched, hasFeedback, html.Finish(dropLastLineEnd: true), text.Finish(dropLastLineEnd: false));
    }

    /// <summary>Why a paper is in a reader's digest: every filter of theirs it matched, best first, as they named it (<c>digest.matched.*.sbn</c>).</summary>
    public ReaderPiece Matched(IReadOnlyList<string> labels)
    {
        var model = new ScriptObject
        {
            ["matched"] = labels.Select(l => new ScriptObject { ["name"] = DisplayName(l), ["is_search"] = IsSearch(l) }).ToList(),
        };
        return ReaderPiece.Of(templates.Render("digest.matched.html.sbn", model).TrimEnd('\n'), templates.Render("digest.matched.txt.sbn", model).TrimEnd('\n'));
    }

    /// <summary>
    /// The entry's excerpt and the highlights to place in it: a run's fragment's with the row's spans, or (previews,
    /// the archive page, tests) one made from the entry's marked abstract.
    /// </summary>
    private (PaperExcerpt Excerpt, IReadOnlyList<int>? Marks) ExcerptOf(DigestEntry entry)
    {
        if (entry.Rendered is { } rendered) return (rendered.Excerpt, entry.Marks);
        var (text, spans) = PaperExcerpt.Unmark(entry.MarkedAbstract);
        return (PaperExcerpt.Of(text, ExcerptLength), spans);
    }

    /// <summary>The model the templates see (explicit data only).</summary>
    /// <param name="content">The digest.</param>
    /// <param name="placed">
    /// Null to give each paper as its text; otherwise each paper's value is a stand-in the output finds by reference
    /// (<see cref="DigestOutput"/>) and writes from the fragment's encoded runs and the reader's pieces.
    /// </param>
    private ScriptObject Model(DigestContent content, List<PlacedText>? placed)
    {
        var links = content.Links;
        var feedbackUrl = content.FeedbackUrl ?? (content.IsArchive ? "" : links.Manage);
        var feedback = Feedback.Of(feedbackUrl, placed is not null);
        // Papers the reader's taste recommends have a section of their own; the rest is what their filters matched.
        // Every filter that matched a paper, in the order first met: the best paper's reason leads the subject.
        // One pass over the entries and one over the labels, as the model is made for every digest sent.
        var papers = new List<ScriptObject>(content.Entries.Count);
        var recommended = new List<ScriptObject>();
        var labels = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in content.Entries)
        {
            if (IsRecommended(entry))
            {
                recommended.Add(new ScriptObject { ["paper"] = EntryModel(entry), ["resembles"] = entry.Labels[0][TasteStep.RecommendedLabel.Length..] });
                continue;
            }
            papers.Add(Placed(entry, feedback, placed));
            foreach (var label in entry.Labels)
            {
                if (seen.Add(label)) labels.Add(label);
            }
        }
        var searches = 0;
        var stops = new List<ScriptObject>(labels.Count);
        foreach (var label in labels)
        {
            var keyword = FilterLabel.Keyword(label);
            if (keyword is not null) searches++;
            var url = keyword is not null ? links.KeywordStops.GetValueOrDefault(keyword) : links.TopicStops.GetValueOrDefault(label);
            if (url is not null) stops.Add(new ScriptObject { ["name"] = keyword ?? DisplayName(label), ["is_search"] = keyword is not null, ["url"] = url });
        }
        var lead = labels.Count > 0 ? labels[0] : null;
        var leadIsSearch = lead is not null && IsSearch(lead);
        return new ScriptObject(ModelMembers)
        {
            ["site_name"] = content.SiteName,
            ["email"] = content.Email,
            ["archive"] = content.IsArchive,
            ["archive_url"] = content.ArchiveUrl,
            ["subscribe_url"] = content.SubscribeUrl,
            ["manage_url"] = links.Manage,
            ["feedback_url"] = feedbackUrl,
            ["unsubscribe_url"] = links.Unsubscribe,
            ["count"] = papers.Count,
            ["topic_count"] = labels.Count - searches,
            ["search_count"] = searches,
            ["lead"] = lead is null ? "" : SubjectName(lead),
            ["lead_is_search"] = leadIsSearch,
            // What else matched, beside the lead: the other kind first, then "n more" of the lead's kind.
            ["others"] = Others(labels.Count - searches - (lead is null || leadIsSearch ? 0 : 1), searches - (leadIsSearch ? 1 : 0), leadIsSearch),
            ["date"] = content.Period.Short,
            ["date_long"] = content.Period.Long,
            ["papers"] = papers,
            ["recommended"] = recommended,
            ["stops"] = stops,
        };
    }

    // The members Model gives, so its object is made at its size.
    private const int ModelMembers = 20;

    private static List<ScriptObject> Others(int topics, int searches, bool leadIsSearch)
    {
        var others = new List<ScriptObject>();
        void Add(string kind, int count, bool more)
        {
            if (count > 0) others.Add(new ScriptObject { ["kind"] = kind, ["count"] = count, ["more"] = more });
        }
        if (leadIsSearch)
        {
            Add("topic", topics, false);
            Add("search", searches, true);
        }
        else
        {
            Add("search", searches, false);
            Add("topic", topics, true);
        }
        return others;
    }

    private static bool IsSearch(string label) => FilterLabel.Keyword(label) is not null;

    private static bool IsRecommended(DigestEntry entry) =>
        entry.Labels.Count == 1 && entry.Labels[0].StartsWith(TasteStep.RecommendedLabel, StringComparison.Ordinal);

    /// <summary>A paper in the digest's list: its fragment with the reader's pieces, as text or as a stand-in (see <see cref="Model"/>).</summary>
    private ScriptObject Placed(DigestEntry entry, Feedback feedback, List<PlacedText>? placed)
    {
        var hasFeedback = feedback.Url.Length > 0;
        var (excerpt, marks) = ExcerptOf(entry);
        var fragment = entry.Rendered is { } rendered && rendered.HasFeedback == hasFeedback
            ? rendered
            : Fragment(entry.Paper, excerpt, entry.Labels.Count > 0, hasFeedback);
        var matched = entry.Matched ?? Matched(entry.Labels);
        if (placed is null)
        {
            return new ScriptObject(3)
            {
                ["id"] = entry.Paper.Id,
                ["html"] = fragment.Html.Compose(matched.Html.Source, excerpt.Html(marks), feedback.Html),
                ["text"] = fragment.Text.Compose(matched.Text.Source, "", feedback.Url),
            };
        }
        // The fragment's own item, the same for every digest: its stand-ins tell this digest's output what to place there.
        placed.Add(new PlacedText(fragment.HtmlStandIn, fragment.Html, matched.Html, excerpt, marks, feedback.EncodedHtml!));
        placed.Add(new PlacedText(fragment.TextStandIn, fragment.Text, matched.Text, excerpt, marks, feedback.EncodedUrl!));
        return fragment.Item;
    }

    /// <summary>A paper and the reader's pieces in one model (a recommended paper, rendered by the digest template itself).</summary>
    private ScriptObject EntryModel(DigestEntry entry)
    {
        var model = PaperModel(entry.Paper);
        var matched = entry.Matched ?? Matched(entry.Labels);
        // Written by the digest template itself, which indents a value's later lines (Scriban's auto-indent).
        var (excerpt, marks) = ExcerptOf(entry);
        model["has_matched"] = entry.Labels.Count > 0;
        model["matched_html"] = matched.Html.Source;
        model["matched_text"] = matched.Text.Source;
        model["excerpt_html"] = excerpt.Html(marks);
        model["excerpt_text"] = excerpt.Text;
        return model;
    }

    /// <summary>What the paper alone decides of how it is shown.</summary>
    private ScriptObject PaperModel(Paper paper)
    {
        // A listing's summary is meant as one line; one that is not is cut like an excerpt.
        var tldr = string.IsNullOrWhiteSpace(paper.AiSummary) ? null : DigestExcerpt.Cut(DigestExcerpt.Tidy(paper.AiSummary), ExcerptLength);
        var arxivUrl = paper.ArxivId is null ? null : ArxivId.AbsUrl(paper.ArxivId);
        return new ScriptObject
        {
            ["id"] = paper.Id,
            ["title"] = DigestExcerpt.Tidy(paper.Title),
            ["url"] = paper.AbsUrl ?? paper.HfUrl ?? arxivUrl,
            ["authors"] = ShortAuthors(paper.Authors),
            ["tldr"] = tldr,
            // Follows "TL;DR: " on its line, so its later lines carry their own indent.
            ["tldr_text"] = tldr is null ? null : DigestExcerpt.Wrap(tldr, 65, "   "),
            ["arxiv_id"] = paper.ArxivId,
            // The link named "arXiv <id>" goes to arXiv, whatever page the listing gave as the abstract.
            ["arxiv_url"] = arxivUrl,
            ["date"] = paper.PublishedAt?.ToString("d MMM yyyy", CultureInfo.InvariantCulture),
            ["pdf_url"] = paper.PdfUrl ?? (paper.ArxivId is null ? null : ArxivId.PdfUrl(paper.ArxivId)),
            ["hf_url"] = paper.HfUrl,
            ["github_url"] = WebLink(paper.GithubUrl),
            ["project_url"] = WebLink(paper.ProjectUrl),
            ["upvotes"] = paper.Upvotes,
        };
    }

    /// <summary>
    /// The address each paper's "more / less like this" links extend, as text and escaped for HTML once a digest, and
    /// (when written into a message) encoded once a digest for all its papers.
    /// </summary>
    private readonly record struct Feedback(string Url, string Html, QuotedPrintableText? EncodedUrl, QuotedPrintableText? EncodedHtml)
    {
        public static Feedback Of(string url, bool encoded)
        {
            var html = HtmlFunctions.Escape(url) ?? "";
            return encoded ? new(url, html, QuotedPrintableText.Of(url), QuotedPrintableText.Of(html)) : new(url, html, null, null);
        }
    }

    // Links from a listing go into href attributes: only http(s) ones, so a listing cannot smuggle in javascript: URLs.
    private static string? WebLink(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? url : null;

    private int ExcerptLength => options.Value.ExcerptLength;

    /// <summary>A topic's name, or a keyword query as typed.</summary>
    private string DisplayName(string label) => FilterLabel.Display(label, topics);

    /// <summary>
    /// The name as it reads mid-sentence: "state space models", but "AI for science" keeps its capitals, and a
    /// keyword stays exactly as typed.
    /// </summary>
    private string SubjectName(string label)
    {
        var name = DisplayName(label);
        if (IsSearch(label)) return name;
        return name.Length > 1 && char.IsUpper(name[0]) && char.IsLower(name[1]) ? char.ToLowerInvariant(name[0]) + name[1..] : name;
    }

    /// <summary>"A, B, C and 4 others" after the first few.</summary>
    internal static string ShortAuthors(string authors)
    {
        var names = authors.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length <= AuthorsShown + 1) return string.Join(", ", names);
        return $"{string.Join(", ", names.Take(AuthorsShown))} and {names.Length - AuthorsShown} others";
    }
}
