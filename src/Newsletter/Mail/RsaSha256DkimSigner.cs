using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Newsletter.Mail;

/// <summary>
/// A DKIM signature (RFC 6376) with relaxed/relaxed canonicalisation and rsa-sha256, hashed and signed by the
/// platform (.NET's SHA-256, OpenSSL's RSA on Linux). MimeKit's own signer hashes the body with BouncyCastle's
/// managed SHA-256, a sixth of a digest's sending CPU, and offers no hook to replace it; this one hashes the body
/// bytes the message was written as, which are in canonical form already (<see cref="WireBody.CanonicalBodyHash"/>). MimeKit's verifier, python3-dkim and opendkim-testmsg check it in the tests.
/// </summary>
internal sealed class RsaSha256DkimSigner(RSA rsa, string domain, string selector)
{
    /// <summary>Adds a DKIM-Signature header covering <paramref name="headers"/> (those the message has) and the body.</summary>
    public void Sign(MimeMessage message, IEnumerable<string> headers, DateTimeOffset at)
    {
        var signed = new List<Header>();
        foreach (var name in headers)
        {
            // Of a repeated header the last is signed (RFC 6376, 5.4.2); a missing one is left out of h=.
            var last = message.Headers.LastOrDefault(h => string.Equals(h.Field, name, StringComparison.OrdinalIgnoreCase));
            if (last is not null) signed.Add(last);
        }
        var names = string.Join(':', signed.Select(h => h.Field.ToLowerInvariant()));
        var tags = $"v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s={selector}; t={at.ToUnixTimeSeconds()}; h={names}; bh={BodyHash(message)}; b=";

        var canonical = new StringBuilder(1024);
        foreach (var header in signed)
        {
            AppendRelaxed(canonical, header.Field, Encoding.Latin1.GetString(header.RawValue));
            canonical.Append("\r\n");
        }
        // The signature header itself, with an empty b=, closes the hashed headers without a line end.
        AppendRelaxed(canonical, "DKIM-Signature", tags);
        // Latin-1 both ways keeps each byte of a raw header as it goes on the wire.
        var signature = rsa.SignData(Encoding.Latin1.GetBytes(canonical.ToString()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        var dkim = new Header("DKIM-Signature", "");
        dkim.SetRawValue(Encoding.ASCII.GetBytes(Folded(tags, Convert.ToBase64String(signature))));
        message.Headers.Insert(0, dkim);
    }

    private static string BodyHash(MimeMessage message)
    {
        var body = message.Body as WireBody ?? throw new ArgumentException("sign messages Mailer.Compose built (their body is its final bytes)", nameof(message));
        // What follows the header block on the wire: the body's bytes, written once (and canonical) when the message was composed.
        return body.CanonicalBodyHash();
    }

    /// <summary>Relaxed header canonicalisation (RFC 6376, 3.4.2): lower-case name, value unfolded, whitespace runs as one space, trimmed.</summary>
    private static void AppendRelaxed(StringBuilder canonical, string field, string value)
    {
        canonical.Append(field.Trim().ToLowerInvariant()).Append(':');
        var start = canonical.Length;
        var space = false;
        foreach (var c in value)
        {
            if (c is '\r' or '\n') continue;
            if (c is ' ' or '\t')
            {
                space = true;
                continue;
            }
            if (space && canonical.Length > start) canonical.Append(' ');
            space = false;
            canonical.Append(c);
        }
    }

    /// <summary>The header's raw value: the tags on their first line, the signature folded in lines a reader's tools take.</summary>
    private static string Folded(string tags, string signature)
    {
        // Folding at a tag's "; " unfolds to the same canonical text that was signed.
        var folded = new StringBuilder(" ").Append(tags.Replace("; h=", ";\r\n\th=").Replace("; bh=", ";\r\n\tbh="));
        for (var at = 0; at < signature.Length; at += 64)
        {
            folded.Append("\r\n\t").Append(signature, at, Math.Min(64, signature.Length - at));
        }
        return folded.Append("\r\n").ToString();
    }

}
