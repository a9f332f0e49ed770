using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using Newsletter.Foundation;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;
using RSA = System.Security.Cryptography.RSA;

namespace Newsletter.Mail;

/// <summary>
/// DKIM-signs outgoing messages when the Dkim section is set (relaxed/relaxed, RSA-SHA256), over the headers a
/// receiver checks for a bulk email, including RFC 8058's one-click unsubscribe pair. The key is read once at start;
/// an RSA key signs through the platform's native RSA (see <see cref="NativeRsaDkimSigner"/>).
/// </summary>
public sealed class MessageSigner : IDisposable
{
    /// <summary>The headers every signature covers.</summary>
    public static readonly string[] SignedHeaders =
        ["From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"];

    private readonly DkimOptions _options;
    private readonly AsymmetricKeyParameter? _key;
    // One native key object per worker thread: .NET does not promise that one RSA instance is safe to share.
    private readonly ThreadLocal<RSA>? _rsa;

    public MessageSigner(IOptions<DkimOptions> options, IHostEnvironment environment)
    {
        _options = options.Value;
        if (!_options.Enabled) return;
        _key = LoadKey(ResolvePath(_options.PrivateKeyPath, environment.ContentRootPath));
        if (_key is RsaPrivateCrtKeyParameters rsaKey)
        {
            var parameters = DotNetUtilities.ToRSAParameters(rsaKey);
            _rsa = new ThreadLocal<RSA>(() => RSA.Create(parameters), trackAllValues: true);
        }
    }

    /// <summary>True when messages are signed.</summary>
    public bool Enabled => _key is not null;

    /// <summary>
    /// Encodes the message for 7-bit transport (so no relay re-encodes it and breaks the signature) and adds a
    /// DKIM-Signature header. Call after every signed header is final. Does nothing when signing is off.
    /// </summary>
    public void Sign(MimeMessage message)
    {
        if (_key is null) return;
        message.Prepare(EncodingConstraint.SevenBit);
        // A signer per message: it is cheap next to the RSA operation and keeps parallel workers independent.
        var domain = _options.Domain.Trim();
        var selector = _options.Selector.Trim();
        var signer = _rsa is null ? new DkimSigner(_key, domain, selector) : new NativeRsaDkimSigner(_key, _rsa.Value!, domain, selector);
        signer.HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        signer.BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        signer.Sign(message, SignedHeaders.Where(h => message.Headers.Contains(h)).ToList());
    }

    /// <summary>Reads an RSA private key from a PEM file, or fails naming <c>Dkim:PrivateKeyPath</c>.</summary>
    public static AsymmetricKeyParameter LoadKey(string path)
    {
        const string key = $"{DkimOptions.Section}:PrivateKeyPath";
        object? pem;
        try
        {
            using var reader = new StreamReader(path);
            pem = new PemReader(reader).ReadObject();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationException(key, $"cannot read the private key file '{path}': {e.Message}");
        }
        catch (Exception e) when (e is PemException or InvalidCastException or InvalidOperationException or FormatException)
        {
            throw new ConfigurationException(key, $"'{path}' does not hold a PEM private key: {e.Message}");
        }
        return pem switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter { IsPrivate: true } single => single,
            _ => throw new ConfigurationException(key, $"'{path}' does not hold a PEM private key"),
        };
    }

    public void Dispose()
    {
        if (_rsa is null) return;
        foreach (var rsa in _rsa.Values) rsa.Dispose();
        _rsa.Dispose();
    }

    public static string ResolvePath(string configured, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(configured) ? configured : Path.Combine(contentRoot, configured));
}
