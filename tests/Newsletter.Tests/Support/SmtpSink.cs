using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Newsletter.Tests.Support;

/// <summary>
/// postfix's smtp-sink on a free loopback port, dumping every message it accepts into a folder. Extra options
/// inject faults (<c>-r</c>, <c>-f</c>, <c>-q</c>, <c>-Q</c>, <c>-w</c>).
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private const string Executable = "/usr/sbin/smtp-sink";
    private readonly Process _process;

    public SmtpSink(string dumpFolder, params string[] faultOptions)
    {
        if (!File.Exists(Executable))
            Assert.Fail("postfix's smtp-sink is not installed: run tests/run.sh, which installs it");
        DumpFolder = dumpFolder;
        Directory.CreateDirectory(dumpFolder);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dumpFolder, (UnixFileMode)0b111_111_111);
        Port = FreePort();
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (Environment.UserName == "root") { start.ArgumentList.Add("-u"); start.ArgumentList.Add("nobody"); }
        start.ArgumentList.Add("-d");
        start.ArgumentList.Add(Path.Combine(dumpFolder, "msg."));
        foreach (var option in faultOptions) start.ArgumentList.Add(option);
        start.ArgumentList.Add($"127.0.0.1:{Port}");
        start.ArgumentList.Add("100");
        _process = Process.Start(start)!;
        WaitUntilListening();
    }

    public int Port { get; }
    public string DumpFolder { get; }

    /// <summary>The messages received so far, as files.</summary>
    public IReadOnlyList<string> Messages() =>
        Directory.GetFiles(DumpFolder, "msg.*").Where(f => new FileInfo(f).Length > 0).ToList();

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited) Assert.Fail("smtp-sink exited: " + _process.StandardError.ReadToEnd());
                Thread.Sleep(50);
            }
        }
        Assert.Fail($"smtp-sink did not listen on port {Port}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
