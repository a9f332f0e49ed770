using System.Globalization;
using System.Text;

namespace Newsletter.Benchmarks.Data;

/// <summary>
/// Writes a papers-page listing of any size by varying the shipped sample listing: every title is distinct after
/// normalisation, abstracts mix sentences of two sample papers, mention one to three catalog topics (so every topic
/// matches a share of the papers) and name a few made-up methods and datasets from a long tail (<see cref="RareTerms"/>).
/// </summary>
public sealed class ListingGenerator(
    IReadOnlyList<(string Title, string Abstract)> samples, IReadOnlyList<IReadOnlyList<string>> topicTerms, IReadOnlyList<string> rareTerms, int seed)
{
    private static readonly string[] Leads =
    [
        "Scalable", "Robust", "Efficient", "Sparse", "Adaptive", "Provable", "Lightweight", "Unified", "Hierarchical",
        "Contrastive", "Causal", "Modular", "Federated", "Streaming", "Calibrated", "Compositional", "Differentiable",
        "Generalized", "Implicit", "Latent", "Multiscale", "Neural", "Online", "Parallel", "Probabilistic", "Recurrent",
        "Retrieval", "Selective", "Structured", "Symbolic", "Temporal", "Universal", "Variational", "Weighted",
        "Zero-Shot", "Few-Shot", "Self-Supervised", "Curriculum", "Distributed", "Interactive",
    ];

    private static readonly string[] Subjects =
    [
        "Attention", "Routing", "Distillation", "Tokenization", "Pretraining", "Alignment", "Decoding", "Retrieval",
        "Planning", "Compression", "Quantization", "Pruning", "Evaluation", "Calibration", "Exploration", "Grounding",
        "Segmentation", "Captioning", "Forecasting", "Imitation", "Reward Modeling", "Search", "Memory", "Adapters",
        "Embeddings", "Sampling", "Guidance", "Synthesis", "Reconstruction", "Tracking", "Control", "Editing",
        "Verification", "Translation", "Summarization", "Benchmarks", "Annotation", "Scheduling", "Optimization", "Inference",
    ];

    private static readonly string[] Tails =
    [
        "A Benchmark Study", "Theory and Practice", "Lessons from Scale", "Beyond the Baseline", "An Empirical Analysis",
        "A Closer Look", "Revisited", "at Web Scale", "on a Budget", "Without Labels", "in the Wild", "Made Simple",
        "for Long Contexts", "Across Languages", "Under Distribution Shift", "with Guarantees", "from First Principles",
        "in Practice", "at Inference Time", "for Edge Devices", "with Human Feedback", "in Ten Steps", "for Science",
        "Reconsidered", "at Low Precision",
    ];

    private static readonly string[] Templates =
    [
        "We further evaluate the approach on {0} and find consistent gains.",
        "Our analysis connects these results to recent work on {0}.",
        "Experiments on {0} benchmarks show the method transfers without tuning.",
        "The same recipe improves {0} when combined with {1}.",
        "We release code and data to support research on {0}.",
    ];

    /// <summary>Writes <paramref name="count"/> papers dated <paramref name="date"/> to <paramref name="path"/>.</summary>
    public void Write(string path, int count, DateTimeOffset date)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n");
        writer.Write(date.ToString("MMM d", CultureInfo.InvariantCulture));
        writer.Write("\n\n");
        for (var i = 0; i < count; i++)
        {
            var (title, summary) = Paper(i, random);
            writer.Write(title);
            writer.Write("\n\n");
            writer.Write(summary);
            writer.Write("\n\n");
        }
    }

    private (string Title, string Abstract) Paper(int index, Random random)
    {
        var topicCount = 1 + random.Next(3);
        var terms = Enumerable.Range(0, topicCount)
            .Select(_ => topicTerms[random.Next(topicTerms.Count)])
            .Select(list => list[random.Next(list.Count)])
            .ToList();

        var combination = index % (Leads.Length * Subjects.Length * Tails.Length);
        var round = index / (Leads.Length * Subjects.Length * Tails.Length);
        var lead = Leads[combination % Leads.Length];
        var subject = Subjects[combination / Leads.Length % Subjects.Length];
        var tail = Tails[combination / (Leads.Length * Subjects.Length)];
        var title = $"{lead} {subject} for {Capitalize(terms[0])}: {tail}" + (round > 0 ? $" (Part {round + 1})" : "");

        var body = new StringBuilder();
        foreach (var sample in Enumerable.Range(0, 2).Select(_ => samples[random.Next(samples.Count)]))
        {
            var sentences = sample.Abstract.Split(". ", StringSplitOptions.RemoveEmptyEntries);
            var take = 1 + random.Next(sentences.Length);
            body.Append(string.Join(". ", sentences.Take(take)).TrimEnd('.')).Append(". ");
        }
        foreach (var term in terms)
        {
            var template = Templates[random.Next(Templates.Length)];
            body.Append(string.Format(CultureInfo.InvariantCulture, template, term, terms[random.Next(terms.Count)])).Append(' ');
        }
        string Rare() => Capitalize(rareTerms[RareTerms.Pick(random, rareTerms.Count)]);
        body.Append(CultureInfo.InvariantCulture, $"We call the method {Rare()} and compare it with {Rare()} and {Rare()} on the {Rare()} and {Rare()} datasets.");
        return (title, body.ToString().Trim());
    }

    private static string Capitalize(string term) =>
        string.Join(' ', term.Split(' ').Select(w => w.Length > 0 && char.IsLower(w[0]) ? char.ToUpperInvariant(w[0]) + w[1..] : w));
}
