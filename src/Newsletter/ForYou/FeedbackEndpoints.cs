using Newsletter.Subscriptions;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.ForYou;

/// <summary>
/// "More / less like this" for a paper, under the reader's manage token (the links in every digest email), their
/// feed token (the links in their Atom feed, which must not carry the manage token: a feed lives in a feed reader
/// and may be shared with it) or a digest's archive token (its "view in browser" copy, mapped by Delivery). A GET
/// shows the paper and one button, because mail scanners and feed readers open links; only the POST records, and
/// its answer offers undo. Only the manage scope links on to the preferences.
/// </summary>
public static class FeedbackEndpoints
{
    private const int ExcerptLength = 600;

    /// <summary>Maps the pages under <c>/manage/{token}</c> and <c>/feeds/{token}</c>.</summary>
    internal static void Map(IEndpointRouteBuilder app)
    {
        Map(app, "manage", withPreferences: true, (token, _, services) =>
            services.GetRequiredService<SubscriptionService>().FindByManageToken(token)?.Id);
        Map(app, "feeds", withPreferences: false, (token, _, services) =>
        {
            var found = services.GetRequiredService<TokenStore>().Find(token, TokenStore.Feed, services.GetRequiredService<TimeProvider>().GetUtcNow());
            return found.Status == TokenStatus.Valid ? found.SubscriberId : null;
        });
    }

    /// <summary>
    /// Maps <c>/{scope}/{token}/more|less/{paper}</c> (GET shows, POST records) and <c>/{scope}/{token}/undo/{paper}</c>.
    /// <paramref name="readerOf"/> names the reader a token may mark that paper for, or null (an unknown link: 404,
    /// nothing recorded); without <paramref name="withPreferences"/> the answer pages link nowhere else.
    /// <paramref name="fromCopy"/>: the links come from a copy of a digest that may have been passed on, so the page
    /// says whose mark it makes.
    /// </summary>
    public static void Map(IEndpointRouteBuilder app, string scope, bool withPreferences, Func<string, long, IServiceProvider, long?> readerOf,
        bool fromCopy = false)
    {
        foreach (var kind in new[] { MarkStore.More, MarkStore.Less })
        {
            app.MapGet($"/{scope}/{{token}}/{kind}/{{paperId:long}}", (string token, long paperId, HttpContext http, ReaderTaste taste,
                MarkStore marks, Pages pages, FormProtection forms) =>
            {
                if (readerOf(token, paperId, http.RequestServices) is not { } reader || taste.FindPaper(paperId) is not { } paper)
                    return ForYouEndpoints.Unknown(pages);
                return MarkPage(pages, http, forms, scope, token, withPreferences, fromCopy, kind, paper, marks.Find(reader, paper.Id), null, 200);
            });

            app.MapPost($"/{scope}/{{token}}/{kind}/{{paperId:long}}", async (string token, long paperId, HttpContext http, ReaderTaste taste,
                MarkStore marks, Pages pages, FormProtection forms) =>
            {
                if (readerOf(token, paperId, http.RequestServices) is not { } reader || taste.FindPaper(paperId) is not { } paper)
                    return ForYouEndpoints.Unknown(pages);
                if (!await forms.IsValidAsync(http)) return ForYouEndpoints.BadRequest(pages);
                // Every mark rebuilds the model from all of them, so their number is what bounds that cost.
                var current = marks.Find(reader, paper.Id);
                if (current is null && marks.Count(reader) >= MarkStore.MaxMarks)
                    return MarkPage(pages, http, forms, scope, token, withPreferences, fromCopy, kind, paper, current,
                        $"You have {MarkStore.MaxMarks} marks, the most kept; remove some on your “For you” page first.", 400);
                // Pressed twice (a second tab, a reload): the mark is already there, and undo still restores what was before.
                var previous = taste.Mark(reader, paper.Id, kind, MarkStore.FromDigest);
                return pages.Show("web/marked.html.sbn", new ScriptObject
                {
                    ["kind"] = kind, ["title"] = paper.Title, ["previous"] = previous == kind ? "" : previous ?? "",
                    ["undo_action"] = $"/{scope}/{token}/undo/{paper.Id}", ["antiforgery"] = forms.Field(http),
                    ["for_you_url"] = withPreferences ? $"/manage/{token}/for-you" : "",
                    ["manage_url"] = withPreferences ? $"/manage/{token}" : "",
                });
            });
        }

        app.MapPost($"/{scope}/{{token}}/undo/{{paperId:long}}", async (string token, long paperId, HttpContext http, ReaderTaste taste,
            MarkStore marks, Pages pages, FormProtection forms) =>
        {
            if (readerOf(token, paperId, http.RequestServices) is not { } reader || taste.FindPaper(paperId) is not { } paper)
                return ForYouEndpoints.Unknown(pages);
            if (!http.Request.HasFormContentType || !await forms.IsValidAsync(http)) return ForYouEndpoints.BadRequest(pages);
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            string? previous = form["previous"].ToString() switch
            {
                "" => null,
                MarkStore.More => MarkStore.More,
                MarkStore.Less => MarkStore.Less,
                _ => "bad",
            };
            if (previous == "bad")
                return withPreferences
                    ? ForYouEndpoints.ForYouPage(pages, http, forms, token, reader, taste, "", "previous: must be empty, more or less", 400, isError: true)
                    : MarkPage(pages, http, forms, scope, token, withPreferences, fromCopy, MarkStore.More, paper, marks.Find(reader, paper.Id),
                        "previous: must be empty, more or less", 400);
            taste.Restore(reader, paper.Id, previous);
            var notice = $"Undone: “{paper.Title}” is back as it was.";
            // The feed's answer offers the button just undone again, in case undo was the slip.
            var undone = form["kind"].ToString() == MarkStore.Less ? MarkStore.Less : MarkStore.More;
            return withPreferences
                ? ForYouEndpoints.ForYouPage(pages, http, forms, token, reader, taste, "", notice, 200)
                : MarkPage(pages, http, forms, scope, token, withPreferences, fromCopy, undone, paper, previous, null, 200, notice);
        });
    }

    private static IResult MarkPage(Pages pages, HttpContext http, FormProtection forms, string scope, string token, bool withPreferences, bool fromCopy,
        string kind, Listings.Paper paper, string? current, string? error, int status, string? notice = null) =>
        pages.Show("web/mark.html.sbn", new ScriptObject
        {
            ["kind"] = kind, ["title"] = paper.Title, ["authors"] = paper.Authors,
            ["excerpt"] = paper.Abstract.Length <= ExcerptLength ? paper.Abstract : paper.Abstract[..ExcerptLength].TrimEnd() + "…",
            ["current"] = current, ["action"] = $"/{scope}/{token}/{kind}/{paper.Id}", ["antiforgery"] = forms.Field(http),
            ["for_you_url"] = withPreferences ? $"/manage/{token}/for-you" : "", ["error"] = error, ["notice"] = notice,
            ["from_copy"] = fromCopy,
        }, status);
}
