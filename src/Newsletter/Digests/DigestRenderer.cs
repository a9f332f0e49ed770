using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Newsletter.Listings;
using Newsletter.Templates;
using Scriban.Runtime;

namespace Newsletter.Digests;

/// <summary>
/// Renders <see cref="DigestContent"/> through <c>digest.subject.sbn</c>, <c>digest.html.sbn</c> and
/// <c>digest.txt.sbn</c>: papers grouped under their best topic, excerpts cut and highlighted, authors shortened.
/// </summary>
public sealed class DigestRenderer(TemplateCatalog templates, TopicCatalog topics, IOptions<DigestOptions> options)
{
    private const int AuthorsShown = 3;

    public RenderedDigest Render(DigestContent content)
    {
        var model = Model(content);
        return new RenderedDigest(
            templates.Render("digest.subject.sbn", model).Trim(),
            templates.Render("digest.html.sbn", model),
            templates.Render("digest.txt.sbn", model));
    }

    /// <summary>The model the templates see (explicit data only).</summary>
    public ScriptObject Model(DigestContent content)
    {
        var zone = DigestSchedule.FindZone(content.TimeZone);
        var from = TimeZoneInfo.ConvertTime(content.WindowFrom, zone);
        var to = TimeZoneInfo.ConvertTime(content.WindowTo, zone);
        // Groups in the order of their best paper; each paper once, under its best matching filter.
        var groups = new List<(string Label, List<DigestEntry> Entries)>();
        foreach (var entry in content.Entries)
        {
            var label = entry.Labels.Count > 0 ? entry.Labels[0] : "";
            var group = groups.FindIndex(g => g.Label == label);
            if (group < 0) groups.Add((label, [entry]));
            else groups[group].Entries.Add(entry);
        }
        var lead = groups.Count > 0 ? SubjectName(groups[0].Label) : "";
        var stops = content.Links.TopicStops;
        return new ScriptObject
        {
            ["site_name"] = content.SiteName,
            ["email"] = content.Email,
            ["archive"] = content.IsArchive,
            ["archive_url"] = content.ArchiveUrl,
            ["manage_url"] = content.Links.Manage,
            ["unsubscribe_url"] = content.Links.Unsubscribe,
            ["count"] = content.Entries.Count,
            ["topic_count"] = groups.Count,
            ["lead_topic"] = lead,
            ["more_topics"] = Math.Max(0, groups.Count - 1),
            ["date"] = to.ToString("d MMM", CultureInfo.InvariantCulture),
            ["period"] = Period(from, to),
            ["groups"] = groups.Select(g => new ScriptObject
            {
                ["name"] = DisplayName(g.Label),
                ["is_topic"] = FilterLabel.Topic(g.Label, topics) is not null,
                ["count"] = g.Entries.Count,
                ["stop_url"] = stops.GetValueOrDefault(g.Label),
                ["papers"] = g.Entries.Select(PaperModel).ToList(),
            }).ToList(),
            ["topic_stops"] = stops.Where(s => FilterLabel.Topic(s.Key, topics) is not null)
                .Select(s => new ScriptObject { ["name"] = DisplayName(s.Key), ["url"] = s.Value }).ToList(),
        };
    }

    // A run renders the same top papers for many readers: their models (excerpt cut, wrapped and escaped) are kept
    // and shared, read-only, by every render. The key holds the whole paper, so an updated paper gets a new model.
    private const int KeptPaperModels = 8192;
    private readonly ConcurrentDictionary<(Paper Paper, string Labels, string Marked), ScriptObject> _paperModels = new();

    private ScriptObject PaperModel(DigestEntry entry)
    {
        var key = (entry.Paper, string.Join('\n', entry.Labels), entry.MarkedAbstract);
        if (_paperModels.TryGetValue(key, out var kept)) return kept;
        var model = NewPaperModel(entry);
        if (_paperModels.Count >= KeptPaperModels) _paperModels.Clear();
        _paperModels[key] = model;
        return model;
    }

    private ScriptObject NewPaperModel(DigestEntry entry)
    {
        var paper = entry.Paper;
        var excerpt = DigestExcerpt.Cut(DigestExcerpt.Tidy(entry.MarkedAbstract), ExcerptLength);
        return new ScriptObject
        {
            ["title"] = DigestExcerpt.Tidy(paper.Title),
            ["url"] = paper.AbsUrl ?? paper.HfUrl ?? (paper.ArxivId is null ? null : $"https://arxiv.org/abs/{paper.ArxivId}"),
            ["authors"] = ShortAuthors(paper.Authors),
            ["also"] = entry.Labels.Skip(1).Select(DisplayName).ToList(),
            ["excerpt_html"] = DigestExcerpt.ToHtml(excerpt),
            // The text part is read as is: wrapped for narrow windows, indented under the title.
            ["excerpt_text"] = DigestExcerpt.Wrap(DigestExcerpt.ToText(excerpt), 72, ""),
            ["pdf_url"] = paper.PdfUrl ?? (paper.ArxivId is null ? null : $"https://arxiv.org/pdf/{paper.ArxivId}"),
            ["hf_url"] = paper.HfUrl,
            ["upvotes"] = paper.Upvotes,
        };
    }

    private int ExcerptLength => options.Value.ExcerptLength;

    /// <summary>A topic's name, or a keyword query in quotes.</summary>
    private string DisplayName(string label) => FilterLabel.Display(label, topics);

    /// <summary>The name as it reads mid-sentence: "state space models", but "AI for science" keeps its capitals.</summary>
    private string SubjectName(string label)
    {
        var name = DisplayName(label);
        return name.Length > 1 && char.IsUpper(name[0]) && char.IsLower(name[1]) ? char.ToLowerInvariant(name[0]) + name[1..] : name;
    }

    /// <summary>"A, B, C and 4 others" after the first few.</summary>
    internal static string ShortAuthors(string authors)
    {
        var names = authors.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length <= AuthorsShown + 1) return string.Join(", ", names);
        return $"{string.Join(", ", names.Take(AuthorsShown))} and {names.Length - AuthorsShown} others";
    }

    private static string Period(DateTimeOffset from, DateTimeOffset to)
    {
        var end = to.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        if (from.Date == to.Date) return end;
        var start = from.ToString(from.Year == to.Year ? "d MMM" : "d MMM yyyy", CultureInfo.InvariantCulture);
        return $"{start} – {end}";
    }
}
