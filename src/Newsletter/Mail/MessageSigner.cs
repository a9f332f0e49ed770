using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using Newsletter.Hosting;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.OpenSsl;

namespace Newsletter.Mail;

/// <summary>
/// DKIM-signs outgoing messages when the Dkim section is set (relaxed/relaxed, RSA-SHA256), over the headers a
/// receiver checks for a bulk email, including RFC 8058's one-click unsubscribe pair. The key is read once at start.
/// </summary>
public sealed class MessageSigner
{
    /// <summary>The headers every signature covers.</summary>
    public static readonly string[] SignedHeaders =
        ["From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"];

    private readonly DkimOptions _options;
    private readonly AsymmetricKeyParameter? _key;

    public MessageSigner(IOptions<DkimOptions> options, IHostEnvironment environment)
    {
        _options = options.Value;
        if (!_options.Enabled) return;
        _key = LoadKey(ResolvePath(_options.PrivateKeyPath, environment.ContentRootPath));
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
        var signer = new DkimSigner(_key, _options.Domain.Trim(), _options.Selector.Trim())
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
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

    public static string ResolvePath(string configured, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(configured) ? configured : Path.Combine(contentRoot, configured));
}
