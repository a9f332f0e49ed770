using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Newsletter.Tests.Support;

/// <summary>
/// A loopback SMTP relay that offers CHUNKING (RFC 3030: <c>BDAT</c>) beside <c>DATA</c>, which smtp-sink does not,
/// and keeps every message it accepts with the command that carried it. <see cref="DropAfterBdat"/> makes it close
/// the connection once a message's chunk has arrived, without a reply (the server may have the message).
/// <see cref="Tls"/> makes it speak TLS with a self-signed certificate: offered as <c>STARTTLS</c> (<c>"starttls"</c>)
/// or from the first byte (<c>"ssl"</c>).
/// </summary>
public sealed class ChunkingRelay : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Command, byte[] Message)> _received = [];
    private readonly Task _accepting;

    public ChunkingRelay(bool offerChunking = true)
    {
        OfferChunking = offerChunking;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }
    public bool OfferChunking { get; }
    public bool DropAfterBdat { get; init; }
    public string? Tls { get; init; }

    /// <summary>How many of <see cref="Received"/> arrived over TLS.</summary>
    public int ReceivedOverTls => Volatile.Read(ref _overTls);

    private int _overTls;
    private static readonly Lazy<X509Certificate2> Certificate = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=relay.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
    });

    /// <summary>Each accepted message: <c>BDAT</c> or <c>DATA</c>, and its bytes as the server holds them (dots unstuffed).</summary>
    public IReadOnlyList<(string Command, byte[] Message)> Received
    {
        get
        {
            lock (_received) return [.. _received];
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        Stream stream = client.GetStream();
        var secured = Tls == "ssl";
        try
        {
            if (secured) stream = await SecureAsync(stream);
            var reader = new LineReader(stream);
            await Reply(stream, "220 relay.test ESMTP");
            while (await reader.LineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await Reply(stream, "250-relay.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n" + (Tls == "starttls" && !secured ? "250-STARTTLS\r\n" : "") + (OfferChunking ? "250-CHUNKING\r\n" : "") + "250 ENHANCEDSTATUSCODES");
                        break;
                    case "STARTTLS" when Tls == "starttls" && !secured:
                        await Reply(stream, "220 2.0.0 Ready to start TLS");
                        (stream, secured) = (await SecureAsync(stream), true);
                        reader = new LineReader(stream);
                        break;
                    case "DATA":
                        await Reply(stream, "354 End data with <CR><LF>.<CR><LF>");
                        Keep("DATA", await reader.DotTerminatedAsync(_stop.Token), secured);
                        await Reply(stream, "250 2.0.0 Ok: queued as D1");
                        break;
                    case "BDAT" when OfferChunking:
                        var parts = line.Split(' ');
                        var chunk = await reader.ExactlyAsync(int.Parse(parts[1]), _stop.Token);
                        if (DropAfterBdat) return;
                        Keep("BDAT", chunk, secured);
                        await Reply(stream, parts.Length > 2 ? "250 2.0.0 Ok: queued as B1" : "250 2.0.0 Ok");
                        break;
                    case "QUIT":
                        await Reply(stream, "221 2.0.0 Bye");
                        return;
                    case "MAIL" or "RCPT" or "RSET" or "NOOP":
                        await Reply(stream, "250 2.0.0 Ok");
                        break;
                    default:
                        await Reply(stream, "502 5.5.2 Error: command not recognized");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or AuthenticationException)
        {
        }
    }

    private async Task<Stream> SecureAsync(Stream stream)
    {
        var tls = new SslStream(stream);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certificate.Value }, _stop.Token);
        return tls;
    }

    private void Keep(string command, byte[] message, bool secured)
    {
        lock (_received) _received.Add((command, message));
        if (secured) Interlocked.Increment(ref _overTls);
    }

    private static Task Reply(Stream stream, string reply) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n")).AsTask();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }

    /// <summary>Reads command lines, dot-terminated data and counted chunks from one connection.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start, _end;

        public async Task<string?> LineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var at = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (at >= 0)
                {
                    var line = Encoding.Latin1.GetString(_buffer, _start, at - _start).TrimEnd('\r');
                    _start = at + 1;
                    return line;
                }
                if (!await FillAsync(cancellationToken)) return null;
            }
        }

        public async Task<byte[]> ExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var chunk = new byte[count];
            var have = 0;
            while (have < count)
            {
                if (_start == _end && !await FillAsync(cancellationToken)) throw new IOException("closed inside a chunk");
                var n = Math.Min(count - have, _end - _start);
                Array.Copy(_buffer, _start, chunk, have, n);
                (have, _start) = (have + n, _start + n);
            }
            return chunk;
        }

        public async Task<byte[]> DotTerminatedAsync(CancellationToken cancellationToken)
        {
            using var message = new MemoryStream();
            while (await LineAsync(cancellationToken) is { } line)
            {
                if (line == ".") return message.ToArray();
                var bytes = Encoding.Latin1.GetBytes(line.StartsWith('.') ? line[1..] : line);
                message.Write(bytes);
                message.Write("\r\n"u8);
            }
            throw new IOException("closed inside the data");
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                (_end, _start) = (_end - _start, 0);
            }
            var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += n;
            return n > 0;
        }
    }
}
