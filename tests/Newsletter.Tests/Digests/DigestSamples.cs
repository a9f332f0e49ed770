using Newsletter.Delivery;
using Newsletter.Listings;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Templates;
using Newsletter.Tests.Support;
using static Newsletter.Delivery.DigestExcerpt;

namespace Newsletter.Tests.Digests;

/// <summary>A fixed digest (papers, times, links) for golden files and screenshots, and a renderer over the real templates.</summary>
public static class DigestSamples
{
    public static readonly IReadOnlyList<Topic> Topics =
    [
        new() { Slug = "state-space-models", Name = "State space models", Query = "mamba OR \"state space\"" },
        new() { Slug = "diffusion", Name = "Diffusion models", Query = "diffusion" },
        new() { Slug = "efficiency", Name = "Efficiency and quantization", Query = "quantiz*" },
    ];

    public static DigestRenderer Renderer() =>
        new(new TemplateCatalog(RepositoryPaths.Templates), new TopicCatalog(Topics), Microsoft.Extensions.Options.Options.Create(new DigestOptions()));

    public static DigestContent Content(IReadOnlyList<DigestEntry>? entries = null) => new()
    {
        SiteName = "Newsletter",
        Email = "reader@example.org",
        Period = new DigestPeriod(false, new DateOnly(2026, 11, 24)),
        Entries = entries ?? Entries,
        ArchiveUrl = "https://papers.example.org/digests/ARCHIVE-TOKEN",
        Links = new DigestLinks(
            "https://papers.example.org/manage/MANAGE-TOKEN",
            "https://papers.example.org/unsubscribe/UNSUBSCRIBE-TOKEN",
            new Dictionary<string, string>
            {
                ["state-space-models"] = "https://papers.example.org/manage/MANAGE-TOKEN/stop/state-space-models",
                ["diffusion"] = "https://papers.example.org/manage/MANAGE-TOKEN/stop/diffusion",
                ["efficiency"] = "https://papers.example.org/manage/MANAGE-TOKEN/stop/efficiency",
            })
        {
            KeywordStops = new Dictionary<string, string>
            {
                [FlowMatching] = "https://papers.example.org/manage/MANAGE-TOKEN/stop-search/FLOW",
                [ProteinFolding] = "https://papers.example.org/manage/MANAGE-TOKEN/stop-search/PROTEIN",
            },
        },
    };

    /// <summary>Keyword queries as a reader typed them: quotes and capitals are theirs and are shown as they are.</summary>
    public const string FlowMatching = "DIFFUSION OR \"flow matching\"", ProteinFolding = "\"protein folding\"";

    private static string M(string word) => $"{MarkStart}{word}{MarkEnd}";

    public static readonly IReadOnlyList<DigestEntry> Entries =
    [
        new(Paper(1, "Mamba Goes Multimodal: Selective State Spaces for Video", "2611.01234", upvotes: 42,
                authors: "Ada Lovelace, Alan Turing, Grace Hopper, Edsger Dijkstra, Barbara Liskov, Donald Knuth") with
            {
                GithubUrl = "https://github.com/example/mamba-video",
                ProjectUrl = "https://example.org/mamba-video",
                AiSummary = "Mamba-style selective scans make hour-long video understanding linear in time & memory.",
            },
            ["state-space-models", "efficiency"],
            $"We extend selective {M("state")} {M("space")} models to video understanding. Our {M("Mamba")} variant scans frames in linear time " +
            $"and beats attention baselines on long clips, while a {M("quantized")} kernel keeps memory flat. We release code, weights and a " +
            "benchmark of hour-long videos with dense captions, and we study how the scan order changes accuracy on temporal reasoning tasks."),
        new(Paper(2, "Efficient Mamba Kernels on <Small> GPUs & Laptops", "2611.01235", authors: "Jane Doe, John Roe"),
            ["state-space-models"],
            $"We write fused kernels for the selective scan of {M("Mamba")} and run {M("state")} {M("space")} models twice as fast on consumer hardware."),
        new(Paper(3, "A Survey of Linear-Time Sequence Models", null, authors: ""),
            ["state-space-models"],
            $"From S4 to {M("Mamba")}: a survey."),
        new(Paper(4, "Consistency Distillation for One-Step Diffusion", "2611.01240", upvotes: 7, authors: "Kim Lee"),
            ["diffusion", "keyword:" + FlowMatching],
            $"We distil a {M("diffusion")} model into a single step sampler without adversarial losses."),
        new(Paper(5, "Protein Folding with Language Models", "2611.01250", authors: "M. Curie, R. Franklin"),
            ["keyword:" + ProteinFolding],
            $"We fold proteins from sequence alone."),
    ];

    public static Paper Paper(long id, string title, string? arxivId, int? upvotes = null, string authors = "") => new()
    {
        Id = id,
        ArxivId = arxivId,
        Title = title,
        Authors = authors,
        Upvotes = upvotes,
        AbsUrl = arxivId is null ? null : $"https://arxiv.org/abs/{arxivId}",
        PdfUrl = arxivId is null ? null : $"https://arxiv.org/pdf/{arxivId}",
        HfUrl = arxivId is null ? null : $"https://huggingface.co/papers/{arxivId}",
        PublishedAt = arxivId is null ? null : new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero),
        FirstSeenAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
    };
}
