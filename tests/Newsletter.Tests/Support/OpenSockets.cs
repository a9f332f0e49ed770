using System.Globalization;

namespace Newsletter.Tests.Support;

/// <summary>A TCP socket this test process holds, and whether the system's descriptor is non-blocking (O_NONBLOCK).</summary>
public sealed record OpenSocket(int Descriptor, bool NonBlocking);

/// <summary>
/// The TCP sockets this process holds to a loopback port, read from Linux's /proc: the connection table gives each
/// socket's inode and remote port, the process's descriptors name the inode they hold, and their fdinfo the flags.
/// </summary>
public static class OpenSockets
{
    private const int NonBlockingFlag = 0x800; // O_NONBLOCK, 04000 octal

    public static List<OpenSocket> ToPort(int remotePort)
    {
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var remote = fields[2];
                if (int.Parse(remote[(remote.IndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == remotePort)
                    inodes.Add(fields[9]);
            }
        }
        var sockets = new List<OpenSocket>();
        foreach (var path in Directory.GetFiles("/proc/self/fd"))
        {
            var target = new FileInfo(path).LinkTarget;
            if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal) || !inodes.Contains(target[8..^1])) continue;
            var descriptor = int.Parse(Path.GetFileName(path), CultureInfo.InvariantCulture);
            var flags = File.ReadLines($"/proc/self/fdinfo/{descriptor}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
            var value = Convert.ToInt32(flags["flags:".Length..].Trim(), 8);
            sockets.Add(new OpenSocket(descriptor, (value & NonBlockingFlag) != 0));
        }
        return sockets;
    }
}
