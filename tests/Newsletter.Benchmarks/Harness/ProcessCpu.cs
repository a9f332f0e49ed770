using System.Globalization;

namespace Newsletter.Benchmarks.Harness;

/// <summary>
/// CPU time (user + system) of processes the harness did not start as .NET children, read from Linux
/// <c>/proc/PID/stat</c>: a PostgreSQL server (the postmaster and every backend it forked) or smtp-sink. Read before
/// and after a measurement, the difference is what that process spent on it, whatever else the machine runs.
/// </summary>
public static class ProcessCpu
{
    // /proc counts in USER_HZ, which the kernel fixes at 100 on every architecture .NET runs on (sysconf(_SC_CLK_TCK)).
    private const double TicksPerSecond = 100;

    /// <summary>
    /// Seconds of CPU of <paramref name="pid"/> and of every child it has now, plus the children it has already
    /// reaped (the kernel adds theirs to its cutime/cstime): all of a PostgreSQL server's work, ended backends
    /// included. Null once the process has gone.
    /// </summary>
    public static double? TreeSeconds(int pid)
    {
        if (Stat(pid) is not { } root) return null;
        var ticks = root.Own + root.Reaped;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var child)) continue;
            if (Stat(child) is { } stat && stat.Parent == pid) ticks += stat.Own + stat.Reaped;
        }
        return ticks / TicksPerSecond;
    }

    /// <summary>Seconds of CPU of <paramref name="pid"/> alone; null once it has gone.</summary>
    public static double? Seconds(int pid) => Stat(pid) is { } stat ? stat.Own / TicksPerSecond : null;

    private sealed record ProcStat(int Parent, long Own, long Reaped);

    private static ProcStat? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces: the fields that count follow the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new ProcStat((int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
    }
}
