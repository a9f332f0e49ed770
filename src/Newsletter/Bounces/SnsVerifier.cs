using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Newsletter.Bounces;

/// <summary>
/// Checks an SNS message's signature (version 1: SHA1withRSA, 2: SHA256withRSA) with the certificate at its
/// <c>SigningCertURL</c>. Only <c>https://sns.&lt;region&gt;.amazonaws.com/….pem</c> is ever fetched (anything else is
/// forged, and nothing is fetched); certificates are fetched through the named client <see cref="HttpClientName"/>
/// and kept per URL (at most <see cref="MaxCached"/>).
/// </summary>
public sealed partial class SnsVerifier(IHttpClientFactory http, TimeProvider clock, ILogger<SnsVerifier> logger)
{
    /// <summary>The named <see cref="HttpClient"/> certificates are fetched and subscriptions confirmed with.</summary>
    public const string HttpClientName = "sns";

    /// <summary>Certificates kept; SNS signs with very few, so a full cache is simply emptied.</summary>
    public const int MaxCached = 16;

    private const int MaxCertificateBytes = 16 * 1024;
    private readonly ConcurrentDictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);

    /// <summary>What checking a message found.</summary>
    public enum Verdict { Valid, Forged, Unavailable }

    /// <summary>The URL when it is an HTTPS URL on an SNS host (<c>sns.&lt;region&gt;.amazonaws.com</c>, default port), else null.</summary>
    public static Uri? AmazonUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.IsDefaultPort
        && uri.UserInfo.Length == 0 && SnsHost().IsMatch(uri.Host)
            ? uri
            : null;

    /// <summary>Whether the message was signed by SNS.</summary>
    public async Task<Verdict> VerifyAsync(SnsMessage message, CancellationToken ct)
    {
        var hash = message.SignatureVersion switch
        {
            "1" => HashAlgorithmName.SHA1,
            "2" => HashAlgorithmName.SHA256,
            _ => default,
        };
        // The host is checked before anything is fetched: a forged URL costs us nothing.
        if (hash == default || AmazonUrl(message.SigningCertUrl) is not { } url || !url.AbsolutePath.EndsWith(".pem", StringComparison.Ordinal))
            return Verdict.Forged;
        byte[] signature;
        try { signature = Convert.FromBase64String(message.Signature); }
        catch (FormatException) { return Verdict.Forged; }
        var certificate = await CertificateAsync(url, ct);
        if (certificate is null) return Verdict.Unavailable;
        var now = clock.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime()) return Verdict.Forged;
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(message.StringToSign(), signature, hash, RSASignaturePadding.Pkcs1) ? Verdict.Valid : Verdict.Forged;
    }

    /// <summary>Visits a subscription's confirmation URL (an SNS host only); true when SNS answered 2xx.</summary>
    public async Task<bool> ConfirmAsync(string? subscribeUrl, CancellationToken ct)
    {
        if (AmazonUrl(subscribeUrl) is not { } url) return false;
        try
        {
            using var client = Client();
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("SNS subscription confirmation {Url} failed: {Error}", url.GetLeftPart(UriPartial.Path), e.Message);
            return false;
        }
    }

    private async Task<X509Certificate2?> CertificateAsync(Uri url, CancellationToken ct)
    {
        var key = url.AbsoluteUri;
        if (_certificates.TryGetValue(key, out var cached)) return cached;
        try
        {
            using var client = Client();
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxCertificateBytes)
            {
                logger.LogWarning("SNS signing certificate {Url}: HTTP {Status}", key, (int)response.StatusCode);
                return null;
            }
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxCertificateBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
            if (length > MaxCertificateBytes) return null;
            var certificate = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(buffer, 0, length));
            if (_certificates.Count >= MaxCached) _certificates.Clear();
            return _certificates.GetOrAdd(key, certificate);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or CryptographicException)
        {
            logger.LogWarning("SNS signing certificate {Url} could not be read: {Error}", key, e.Message);
            return null;
        }
    }

    private HttpClient Client()
    {
        var client = http.CreateClient(HttpClientName);
        client.Timeout = TimeSpan.FromSeconds(10);
        return client;
    }

    [GeneratedRegex("^sns\\.[a-z]{2}(-[a-z]+)+-[0-9]+\\.amazonaws\\.com$", RegexOptions.CultureInvariant)]
    private static partial Regex SnsHost();
}
