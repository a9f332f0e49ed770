using System.Globalization;
using Microsoft.Extensions.Options;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Papers;

/// <summary>
/// <c>/papers</c>: the recent papers day by day, newest day first, with an "older" link; and a search in the same
/// query language (and under the same rules and cost limits) as readers' keywords, with a link that opens the
/// subscribe form prefilled with that search. Also maps the Atom feeds (<see cref="FeedEndpoints"/>).
/// </summary>
public static class PapersEndpoints
{
    /// <summary>Query-string fields of the papers page, as its errors name them.</summary>
    public const string QueryField = "q", BeforeField = "before";

    /// <summary>Maps <c>/papers</c> and the Atom feeds.</summary>
    public static WebApplication MapPapers(this WebApplication app)
    {
        // A search runs full-text queries, so the page shares the preview's per-client limit.
        app.MapGet("/papers", PapersPage).RequireRateLimiting(SubscriptionRateLimits.Preview);
        app.MapPaperFeeds();
        return app;
    }

    /// <summary>The search's results when the page has a query, else the recent days.</summary>
    private static IResult PapersPage(HttpRequest request, Pages pages, RecentPaperStore store, SubscriptionValidator validator, PaperSearch search,
        TopicCatalog topics, IOptions<PapersOptions> options, IOptions<SubscriptionOptions> readers, TimeProvider clock)
    {
        var limits = options.Value;
        var query = (request.Query[QueryField].FirstOrDefault() ?? "").Trim();
        var model = new ScriptObject
        {
            ["q"] = query,
            ["feed_url"] = "/papers.atom",
            ["subscribe_url"] = query.Length == 0 ? "/" : "/?keywords=" + Uri.EscapeDataString(query),
            ["topics"] = topics.All.Select(t => new ScriptObject { ["name"] = t.Name, ["feed_url"] = $"/topics/{Uri.EscapeDataString(t.Slug)}.atom" }).ToList(),
            ["search_days"] = limits.SearchDays,
            // A search is a keyword query: the box takes what the validator will accept.
            ["max_query_length"] = readers.Value.MaxKeywordLength,
        };
        var errors = new ScriptObject();
        model["errors"] = errors;
        if (query.Length > 0)
            return SearchPage(query, model, errors, pages, store, validator, search, limits, clock.GetUtcNow(), request.HttpContext.RequestAborted);
        return RecentPage((request.Query[BeforeField].FirstOrDefault() ?? "").Trim(), model, errors, pages, store, limits);
    }

    /// <summary>The papers of the last <c>Papers:SearchDays</c> that <paramref name="query"/> matches, by day, the best match first in each.</summary>
    private static IResult SearchPage(string query, ScriptObject model, ScriptObject errors, Pages pages, RecentPaperStore store,
        SubscriptionValidator validator, PaperSearch search, PapersOptions limits, DateTimeOffset now, CancellationToken aborted)
    {
        var validation = validator.ValidateFilters(new SubscriptionInput { Keywords = [query] });
        if (!validation.IsValid)
        {
            errors[QueryField] = string.Join(" ", validation.Errors.SelectMany(e => e.Value));
            return pages.Show("web/papers.html.sbn", model, StatusCodes.Status400BadRequest);
        }
        PreviewResult found;
        try
        {
            found = search.Preview([], validation.Request.Keywords, now.AddDays(-limits.SearchDays), DigestOrder.Trending, aborted, limits.SearchResults);
        }
        catch (QueryBudgetSpentException e)
        {
            errors[QueryField] = SubscriptionEndpoints.TooLong(e);
            return pages.Show("web/papers.html.sbn", model, StatusCodes.Status503ServiceUnavailable);
        }
        var papers = store.Get(found.Papers.Select(p => p.PaperId).ToList());
        model["searching"] = true;
        model["found"] = found.Count;
        model["shown"] = papers.Count;
        // Grouped by day, newest first; within a day the best match leads.
        model["days"] = papers.GroupBy(p => p.Day).OrderByDescending(g => g.Key, StringComparer.Ordinal)
            .Select(g => DayModel(g.Key, g.Count(), g.ToList())).ToList();
        return pages.Show("web/papers.html.sbn", model);
    }

    /// <summary>A page of recent days, newest first, before the day <paramref name="beforeText"/> names (when it names one).</summary>
    private static IResult RecentPage(string beforeText, ScriptObject model, ScriptObject errors, Pages pages, RecentPaperStore store, PapersOptions limits)
    {
        DateOnly? before = null;
        if (beforeText.Length > 0)
        {
            if (!DateOnly.TryParseExact(beforeText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                errors[BeforeField] = "before must be a date like 2026-11-24.";
                return pages.Show("web/papers.html.sbn", model, StatusCodes.Status400BadRequest);
            }
            before = day;
        }
        var days = store.Days(before, limits.DaysPerPage + 1);
        model["days"] = days.Take(limits.DaysPerPage).Select(d => store.Day(d, limits.PapersPerDay))
            .Select(d => DayModel(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Count, d.Papers)).ToList();
        if (days.Count > limits.DaysPerPage)
            model["older_url"] = "/papers?before=" + days[limits.DaysPerPage - 1].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (before is not null) model["newer_url"] = "/papers";
        return pages.Show("web/papers.html.sbn", model);
    }

    private static ScriptObject DayModel(string day, int count, IReadOnlyList<ListedPaper> papers)
    {
        return new ScriptObject
        {
            ["date"] = day,
            ["label"] = DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture) : day,
            ["count"] = count,
            ["papers"] = papers.Select(PaperModel).ToList(),
        };
    }

    private static ScriptObject PaperModel(ListedPaper paper)
    {
        var authors = paper.Authors.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new ScriptObject
        {
            ["title"] = paper.Title,
            ["url"] = paper.Url,
            ["pdf_url"] = paper.PdfUrl,
            ["authors"] = authors.Length <= 4 ? string.Join(", ", authors) : string.Join(", ", authors.Take(3)) + $" and {authors.Length - 3} more",
            ["upvotes"] = paper.Upvotes,
            ["arxiv_id"] = paper.ArxivId,
        };
    }
}
