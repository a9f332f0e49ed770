using System.Globalization;

namespace Newsletter.Benchmarks.Harness;

/// <summary>The command line of a benchmark run: sizes, where to work, the smtp-sink to send to, where to record.</summary>
public sealed class BenchOptions
{
    public bool Quick { get; private set; }
    public string Work { get; private set; } = Path.Combine(Path.GetTempPath(), "newsletter-bench");
    public string Repo { get; private set; } = FindRepo();
    public string? Results { get; private set; }
    public string Label { get; private set; } = "";
    public string SinkHost { get; private set; } = "127.0.0.1";
    public int SinkPort { get; private set; }
    public int? SinkPid { get; private set; }
    public int Connections { get; private set; } = 4;

    /// <summary>Whether scenario 3 configures DKIM signing (a generated key); <c>--no-dkim</c> turns it off.</summary>
    public bool Dkim { get; private set; } = true;
    public HashSet<string> Only { get; private set; } = [];

    /// <summary>
    /// Where to keep a copy of each plan database as it is before planning (<c>--keep DIR</c>), so the plan child can
    /// be run again on it, e.g. under <c>perf</c> or at another commit; null keeps nothing.
    /// </summary>
    public string? Keep { get; private set; }

    /// <summary><c>--profile</c>: scenario 3 sends on one worker, step by step, and prints each step's CPU (see SendProfile).</summary>
    public bool Profile { get; private set; }

    /// <summary><c>--pg-statements</c>: the pg-* scenarios' server loads pg_stat_statements, and pg-plan prints its costliest statements.</summary>
    public bool PgStatements { get; private set; }

    /// <summary>Papers ingested by scenario 1 (and kept as the history the other scenarios run over).</summary>
    public int IngestPapers => 30_000;

    /// <summary>New papers of the daily run in scenarios 2 and 3.</summary>
    public int NewPapers => 2_000;

    /// <summary>Reader counts of scenario 2: <c>--plan-sizes 100000,1000000</c>, or by the run's kind.</summary>
    public int[] PlanSizes => _planSizes ?? (Quick ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000, 1_000_000]);

    private int[]? _planSizes;

    /// <summary>How long one plan size may run before it is stopped and its progress reported instead.</summary>
    public TimeSpan PlanTimeout { get; private set; }

    /// <summary>Digests sent in scenario 3 (and messages smtp-source sends to compare).</summary>
    public int SendDigests { get; private set; }

    public TimeSpan SendTimeout { get; private set; }

    /// <summary>How long wrk loads the subscribe API while scenario 3 runs.</summary>
    public int WebSeconds { get; private set; }

    public string RunKind => Quick ? "quick" : "full";

    public bool Runs(string scenario) => Only.Count == 0 || Only.Contains(scenario);

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        int? digests = null, planTimeout = null, sendTimeout = null, webSeconds = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Value(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--quick": options.Quick = true; break;
                case "--work": options.Work = Path.GetFullPath(Value()); break;
                case "--repo": options.Repo = Path.GetFullPath(Value()); break;
                case "--results": options.Results = Path.GetFullPath(Value()); break;
                case "--label": options.Label = Value(); break;
                case "--sink":
                    var endpoint = Value();
                    var colon = endpoint.LastIndexOf(':');
                    options.SinkHost = endpoint[..colon];
                    options.SinkPort = int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture);
                    break;
                case "--sink-pid": options.SinkPid = Number(); break;
                case "--connections": options.Connections = Number(); break;
                case "--no-dkim": options.Dkim = false; break;
                case "--profile": options.Profile = true; break;
                case "--pg-statements": options.PgStatements = true; break;
                case "--digests": digests = Number(); break;
                case "--plan-timeout": planTimeout = Number(); break;
                case "--send-timeout": sendTimeout = Number(); break;
                case "--web-seconds": webSeconds = Number(); break;
                case "--plan-sizes":
                    options._planSizes = Value().Split(',', StringSplitOptions.RemoveEmptyEntries)
                        .Select(size => int.Parse(size, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--keep": options.Keep = Path.GetFullPath(Value()); break;
                case "--only": options.Only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        options.SendDigests = digests ?? (options.Quick ? 5_000 : 20_000);
        options.PlanTimeout = TimeSpan.FromSeconds(planTimeout ?? (options.Quick ? 120 : 1_800));
        options.SendTimeout = TimeSpan.FromSeconds(sendTimeout ?? (options.Quick ? 240 : 1_800));
        options.WebSeconds = webSeconds ?? (options.Quick ? 20 : 60);
        return options;
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Newsletter.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
