using System.Globalization;

namespace Newsletter.Benchmarks.Harness;

/// <summary>The machine a result was measured on, in the form the results table records it.</summary>
public static class Machine
{
    /// <summary>For example "2 cores, 23.5 GB, AMD EPYC, Debian GNU/Linux 12 (bookworm)".</summary>
    public static string Describe() =>
        $"{Environment.ProcessorCount} cores, {TotalMemoryGb():0.#} GB, {CpuModel()}, {OperatingSystem()}";

    /// <summary>The 1-minute load average, e.g. "2.31" (what a wall-clock figure measured on a shared machine needs beside it).</summary>
    public static string LoadAverage() => ReadLines("/proc/loadavg").FirstOrDefault()?.Split(' ')[0] ?? "unknown";

    private static double TotalMemoryGb()
    {
        var line = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        if (line is null) return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0;
        return long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1048576.0;
    }

    private static string CpuModel() =>
        ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();

    private static string OperatingSystem()
    {
        var pretty = ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        return pretty?["PRETTY_NAME=".Length..].Trim('"') ?? System.Runtime.InteropServices.RuntimeInformation.OSDescription;
    }

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
