using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Newsletter.Tests.Support;

/// <summary>
/// Debian's Dovecot serving IMAP and POP3 on free loopback ports from a temp folder, as a non-root process (as
/// nobody when the tests run as root), with users in a passwd file. Started on first use, once per run, and
/// stopped by <see cref="DovecotLifetime"/>; each test takes its own user, so tests never see each other's mail.
/// </summary>
public sealed class Dovecot : IDisposable
{
    private const string Executable = "/usr/sbin/dovecot";
    private static readonly Lazy<Dovecot> SharedServer = new(() => new Dovecot());
    private readonly Process _process;
    private readonly string _passwd;
    private readonly (string Uid, string Gid) _owner;
    private int _users;

    /// <summary>The server for this test run.</summary>
    public static Dovecot Shared => SharedServer.Value;

    /// <summary>Stops the shared server if it was started.</summary>
    public static void StopShared()
    {
        if (SharedServer.IsValueCreated) SharedServer.Value.Dispose();
    }

    private Dovecot()
    {
        if (!File.Exists(Executable) || !File.Exists("/usr/lib/dovecot/imap") || !File.Exists("/usr/lib/dovecot/pop3"))
            Assert.Fail("dovecot-imapd and dovecot-pop3d are not installed: run tests/run.sh, which installs them");
        Folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", "dovecot-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var sub in new[] { "", "run", "state", "home" })
        {
            Directory.CreateDirectory(Path.Combine(Folder, sub));
            Chmod(Path.Combine(Folder, sub), 0b111_111_111);
        }
        var asRoot = Environment.UserName == "root";
        var user = asRoot ? "nobody" : Environment.UserName;
        _owner = (Id("-u", user), Id("-g", user));
        var group = Id("-gn", user);
        ImapPort = FreePort();
        Pop3Port = FreePort();
        _passwd = Path.Combine(Folder, "passwd");
        File.WriteAllText(_passwd, "");
        var config = Path.Combine(Folder, "dovecot.conf");
        File.WriteAllText(config, Config(user, group));
        Chmod(_passwd, 0b110_110_110);
        Chmod(config, 0b110_110_110);

        var start = new ProcessStartInfo(asRoot ? "setpriv" : Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (asRoot)
        {
            foreach (var arg in new[] { $"--reuid={_owner.Uid}", $"--regid={_owner.Gid}", "--clear-groups", Executable }) start.ArgumentList.Add(arg);
        }
        foreach (var arg in new[] { "-F", "-c", config }) start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        WaitUntilListening(ImapPort);
        WaitUntilListening(Pop3Port);
    }

    public string Folder { get; }
    public int ImapPort { get; }
    public int Pop3Port { get; }

    /// <summary>A fresh mailbox user; returns its name and password.</summary>
    public (string User, string Password) NewUser()
    {
        var name = $"bounces{Interlocked.Increment(ref _users)}";
        var password = Guid.NewGuid().ToString("N");
        lock (_passwd)
            File.AppendAllText(_passwd, $"{name}:{{PLAIN}}{password}:{_owner.Uid}:{_owner.Gid}::{Path.Combine(Folder, "home", name)}\n");
        return (name, password);
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private string Config(string user, string group) => $$"""
        base_dir = {{Folder}}/run
        state_dir = {{Folder}}/state
        log_path = {{Folder}}/dovecot.log
        protocols = imap pop3
        listen = 127.0.0.1
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain login
        default_internal_user = {{user}}
        default_internal_group = {{group}}
        default_login_user = {{user}}
        mail_location = maildir:~/Maildir
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%u {{_passwd}}
        }
        userdb {
          driver = passwd-file
          args = username_format=%u {{_passwd}}
        }
        service imap-login {
          chroot =
          inet_listener imap {
            address = 127.0.0.1
            port = {{ImapPort}}
          }
          inet_listener imaps {
            port = 0
          }
        }
        service pop3-login {
          chroot =
          inet_listener pop3 {
            address = 127.0.0.1
            port = {{Pop3Port}}
          }
          inet_listener pop3s {
            port = 0
          }
        }
        service submission-login {
          inet_listener submission {
            port = 0
          }
        }
        service anvil {
          chroot =
        }
        """;

    // The server runs as another user (nobody) when the tests run as root: it must reach and write its folder.
    private static void Chmod(string path, int mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    private static string Id(string option, string user)
    {
        var start = new ProcessStartInfo("id") { RedirectStandardOutput = true };
        start.ArgumentList.Add(option);
        start.ArgumentList.Add(user);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }

    private void WaitUntilListening(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited) Assert.Fail("dovecot exited: " + _process.StandardError.ReadToEnd());
                Thread.Sleep(50);
            }
        }
        Assert.Fail($"dovecot did not listen on port {port}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
