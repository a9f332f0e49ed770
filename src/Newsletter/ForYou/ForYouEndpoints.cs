using System.Globalization;
using System.Text.Json.Nodes;
using Newsletter.Listings;
using Newsletter.Subscriptions;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.ForYou;

/// <summary>
/// The reader's feedback pages: "more / less like this" (<see cref="FeedbackEndpoints"/>) and, behind their manage
/// token (the HMAC-derived link every digest carries), the "For you" page: papers I like, every mark, remove, reset.
/// </summary>
public static class ForYouEndpoints
{
    private const int MaxFormLength = 4000;

    public static IEndpointRouteBuilder MapForYou(this IEndpointRouteBuilder app)
    {
        // The data export lists every mark; the model is derived from them and holds nothing more.
        var marksStore = app.ServiceProvider.GetRequiredService<MarkStore>();
        app.ServiceProvider.GetRequiredService<ReaderDataSections>().Add("marks", id => new JsonArray(marksStore.ForReader(id)
            .Select(m => (JsonNode)new JsonObject
            {
                ["paper"] = m.ArxivId ?? m.Title,
                ["title"] = m.Title,
                ["mark"] = m.Kind == MarkStore.More ? "more like this" : "less like this",
                ["from"] = m.Source == MarkStore.FromLiked ? "papers I like" : "a digest",
                ["createdAt"] = m.CreatedAt,
            }).ToArray()));
        FeedbackEndpoints.Map(app);

        app.MapGet("/manage/{token}/for-you", (string token, HttpContext http, SubscriptionService service, ReaderTaste taste, Pages pages,
            FormProtection forms) =>
            service.FindByManageToken(token) is { } reader
                ? ForYouPage(pages, http, forms, token, reader.Id, taste, "", null, 200)
                : Unknown(pages));

        app.MapPost("/manage/{token}/for-you/like", async (string token, HttpContext http, SubscriptionService service, ReaderTaste taste,
            MarkStore marks, Pages pages, FormProtection forms) =>
        {
            if (service.FindByManageToken(token) is not { } reader) return Unknown(pages);
            if (!http.Request.HasFormContentType || !await forms.IsValidAsync(http)) return BadRequest(pages);
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var text = form["papers"].ToString();
            IResult Refuse(string error) => ForYouPage(pages, http, forms, token, reader.Id, taste, text, error, 400, isError: true);
            if (text.Length > MaxFormLength) return Refuse($"papers: at most {MaxFormLength} characters");
            var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length == 0) return Refuse("papers: name at least one arXiv id or link");
            if (lines.Length > ReaderTaste.MaxLikedPerForm) return Refuse($"papers: at most {ReaderTaste.MaxLikedPerForm} at once");
            var found = new List<Paper>();
            foreach (var line in lines)
            {
                if (ArxivId.Normalize(line) is null) return Refuse($"papers: “{Shorten(line)}” is not an arXiv id or link");
                if (taste.FindPaper(line) is not { } paper) return Refuse($"papers: {ArxivId.Normalize(line)} is not among the papers this site has listed");
                found.Add(paper);
            }
            if (marks.Count(reader.Id) + found.Count > MarkStore.MaxMarks)
                return Refuse($"papers: you have {MarkStore.MaxMarks} marks at most; remove some first");
            foreach (var paper in found.DistinctBy(p => p.Id)) taste.Mark(reader.Id, paper.Id, MarkStore.More, MarkStore.FromLiked);
            var count = found.DistinctBy(p => p.Id).Count();
            return ForYouPage(pages, http, forms, token, reader.Id, taste, "", $"Added {count} {(count == 1 ? "paper" : "papers")} you like.", 200);
        });

        app.MapPost("/manage/{token}/for-you/remove/{paperId:long}", async (string token, long paperId, HttpContext http,
            SubscriptionService service, ReaderTaste taste, Pages pages, FormProtection forms) =>
        {
            if (service.FindByManageToken(token) is not { } reader) return Unknown(pages);
            if (!await forms.IsValidAsync(http)) return BadRequest(pages);
            var notice = taste.Remove(reader.Id, paperId) ? "The mark is removed." : "That mark was removed already.";
            return ForYouPage(pages, http, forms, token, reader.Id, taste, "", notice, 200);
        });

        app.MapPost("/manage/{token}/for-you/reset", async (string token, HttpContext http, SubscriptionService service, ReaderTaste taste,
            Pages pages, FormProtection forms) =>
        {
            if (service.FindByManageToken(token) is not { } reader) return Unknown(pages);
            if (!await forms.IsValidAsync(http)) return BadRequest(pages);
            var removed = taste.Reset(reader.Id);
            return ForYouPage(pages, http, forms, token, reader.Id, taste, "", $"Forgot {removed} {(removed == 1 ? "mark" : "marks")}.", 200);
        });
        return app;
    }

    /// <summary>The "For you" page of the reader with that manage token.</summary>
    internal static IResult ForYouPage(Pages pages, HttpContext http, FormProtection forms, string token, long subscriberId, ReaderTaste taste,
        string papers, string? message, int status, bool isError = false) =>
        pages.Show("web/for-you.html.sbn", new ScriptObject
        {
            ["notice"] = isError ? null : message,
            ["error"] = isError ? message : null,
            ["papers"] = papers,
            ["max_papers"] = ReaderTaste.MaxLikedPerForm,
            ["like_action"] = $"/manage/{token}/for-you/like",
            ["reset_action"] = $"/manage/{token}/for-you/reset",
            ["manage_url"] = $"/manage/{token}",
            ["antiforgery"] = forms.Field(http),
            ["marks"] = taste.Marks(subscriberId).Select(m => new ScriptObject
            {
                ["kind"] = m.Kind, ["title"] = m.Title, ["arxiv_id"] = m.ArxivId,
                ["date"] = m.CreatedAt.ToString("d MMM yyyy", CultureInfo.InvariantCulture),
                ["remove_action"] = $"/manage/{token}/for-you/remove/{m.PaperId}",
            }).ToList(),
        }, status);

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    internal static IResult Unknown(Pages pages) => pages.Show("web/link-unknown.html.sbn", new(), StatusCodes.Status404NotFound);

    internal static IResult BadRequest(Pages pages) => pages.Show("web/bad-request.html.sbn", new(), StatusCodes.Status400BadRequest);
}
