using System.Globalization;

namespace Newsletter.Benchmarks.Harness;

/// <summary>
/// CPU time (user + system) of this process's threads, by role, from Linux <c>/proc/self/task/*/stat</c>: taken before
/// and after a measured call, the difference says which thread spent it. Threads are told apart by the names .NET
/// gives them: the calling thread, thread-pool workers, the garbage collector's, the JIT's, the rest.
/// </summary>
public sealed class ThreadCpu
{
    // /proc counts in USER_HZ, 100 on every architecture .NET runs on (see ProcessCpu).
    private const double TicksPerSecond = 100;

    private readonly Dictionary<int, (string Name, long Ticks)> _threads;
    private readonly int _caller;

    private ThreadCpu(Dictionary<int, (string, long)> threads, int caller) => (_threads, _caller) = (threads, caller);

    /// <summary>The CPU of every thread of this process now; <c>Caller</c> in <see cref="Since"/> is the thread that calls this.</summary>
    public static ThreadCpu Now() => new(Read(), CurrentThreadId());

    /// <summary>Seconds of CPU each role spent since <paramref name="before"/> (threads started since count from zero).</summary>
    public static Dictionary<string, double> Since(ThreadCpu before)
    {
        var now = Read();
        var roles = new Dictionary<string, double> { ["caller"] = 0, ["pool"] = 0, ["send"] = 0, ["gc"] = 0, ["jit"] = 0, ["other"] = 0 };
        foreach (var (tid, (name, ticks)) in now)
        {
            var spent = ticks - (before._threads.TryGetValue(tid, out var was) && was.Name == name ? was.Ticks : 0);
            roles[RoleOf(tid, name, before._caller)] += spent / TicksPerSecond;
        }
        return roles;
    }

    private static string RoleOf(int tid, string name, int caller) =>
        tid == caller ? "caller"
        : name.StartsWith(".NET TP Worker", StringComparison.Ordinal) || name.StartsWith(".NET Long", StringComparison.Ordinal) ? "pool"
        : name.Contains("GC", StringComparison.Ordinal) || name.StartsWith(".NET BGC", StringComparison.Ordinal) ? "gc"
        : name.StartsWith(".NET Tiered", StringComparison.Ordinal) ? "jit"
        : name.StartsWith("send worker", StringComparison.Ordinal) ? "send"
        : "other";

    private static int CurrentThreadId() =>
        int.Parse(Path.GetFileName(Directory.ResolveLinkTarget("/proc/thread-self", false)?.FullName ?? "0"), CultureInfo.InvariantCulture);

    private static Dictionary<int, (string, long)> Read()
    {
        var threads = new Dictionary<int, (string, long)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }
            var name = text[(text.IndexOf('(') + 1)..text.LastIndexOf(')')];
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            threads[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] =
                (name, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        return threads;
    }
}
