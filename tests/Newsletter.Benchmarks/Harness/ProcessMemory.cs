namespace Newsletter.Benchmarks.Harness;

/// <summary>Resident memory of a process as the kernel reports it (Linux <c>/proc/PID/status</c>).</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM) of this process, in MB.</summary>
    public static double PeakMb() => ReadMb("self", "VmHWM:");

    /// <summary>Peak resident set size of another process, in MB, or null once it has gone.</summary>
    public static double? PeakMb(int pid)
    {
        try
        {
            return ReadMb(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "VmHWM:");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Current resident set size (VmRSS) of this process, in MB.</summary>
    public static double CurrentMb() => ReadMb("self", "VmRSS:");

    /// <summary>Bytes a process has read through read()-like calls, sockets included (<c>/proc/PID/io</c> rchar).</summary>
    public static long? BytesRead(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/io").FirstOrDefault(l => l.StartsWith("rchar:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["rchar:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double ReadMb(string pid, string key)
    {
        var path = $"/proc/{pid}/status";
        if (pid == "self" && !File.Exists(path)) return Environment.WorkingSet / 1048576.0;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        if (line is null) return 0;
        var kb = long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return kb / 1024.0;
    }
}
