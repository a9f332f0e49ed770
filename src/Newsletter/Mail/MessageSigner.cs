using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Foundation;

namespace Newsletter.Mail;

/// <summary>
/// DKIM-signs outgoing messages when the Dkim section is set (relaxed/relaxed, RSA-SHA256), over the headers a
/// receiver checks for a bulk email, including RFC 8058's one-click unsubscribe pair. The key is read once at start;
/// hashing and signing run on the platform (see <see cref="RsaSha256DkimSigner"/>).
/// </summary>
public sealed class MessageSigner : IDisposable
{
    /// <summary>The headers every signature covers.</summary>
    public static readonly string[] SignedHeaders =
        ["From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"];

    private readonly DkimOptions _options;
    private readonly TimeProvider _clock;
    // One key object per worker thread: .NET does not promise that one RSA instance is safe to share.
    private readonly ThreadLocal<RsaSha256DkimSigner>? _signer;
    private readonly List<RSA> _keys = [];

    public MessageSigner(IOptions<DkimOptions> options, IHostEnvironment environment, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        if (!_options.Enabled) return;
        var parameters = LoadKey(ResolvePath(_options.PrivateKeyPath, environment.ContentRootPath));
        var domain = _options.Domain.Trim();
        var selector = _options.Selector.Trim();
        _signer = new ThreadLocal<RsaSha256DkimSigner>(() =>
        {
            var rsa = RSA.Create(parameters);
            lock (_keys) _keys.Add(rsa);
            return new RsaSha256DkimSigner(rsa, domain, selector);
        });
    }

    /// <summary>True when messages are signed.</summary>
    public bool Enabled => _signer is not null;

    /// <summary>
    /// Adds a DKIM-Signature header to a message <see cref="Mailer.Compose(MailboxAddress, string, string, string, string)"/>
    /// built (its body is 7-bit already, so no relay re-encodes it and breaks the signature). Call after every signed
    /// header is final. Does nothing when signing is off.
    /// </summary>
    public void Sign(MimeMessage message)
    {
        if (_signer is null) return;
        _signer.Value!.Sign(message, SignedHeaders, _clock.GetUtcNow());
    }

    /// <summary>Why the key file at <paramref name="path"/> cannot sign, naming <c>Dkim:PrivateKeyPath</c>; null when it can.</summary>
    public static string? KeyProblem(string path)
    {
        try
        {
            LoadKey(path);
            return null;
        }
        catch (ConfigurationException e)
        {
            return e.Message;
        }
    }

    /// <summary>Reads an RSA private key from a PEM file, or fails naming <c>Dkim:PrivateKeyPath</c>.</summary>
    public static RSAParameters LoadKey(string path)
    {
        const string key = $"{DkimOptions.Section}:PrivateKeyPath";
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationException(key, $"cannot read the private key file '{path}': {e.Message}");
        }
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new ConfigurationException(key, $"'{path}' does not hold a PEM RSA private key: {e.Message}");
        }
    }

    public void Dispose()
    {
        _signer?.Dispose();
        lock (_keys)
        {
            foreach (var rsa in _keys) rsa.Dispose();
        }
    }

    public static string ResolvePath(string configured, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(configured) ? configured : Path.Combine(contentRoot, configured));
}
