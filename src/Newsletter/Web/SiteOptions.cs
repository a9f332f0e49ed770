using System.Net;

namespace Newsletter.Web;

/// <summary>The <c>Site</c> config section: the public face of the service.</summary>
public sealed class SiteOptions
{
    public const string Section = "Site";

    /// <summary>Public base URL used for every link in emails, e.g. <c>https://papers.example.org</c>.</summary>
    public string BaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>The service's name as readers see it.</summary>
    public string Name { get; set; } = "Newsletter";

    /// <summary>
    /// Addresses of the reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> name the real
    /// client: per-client rate limits then count readers, not the proxy. Empty: no one is believed, not even
    /// loopback (a same-host proxy must be listed, e.g. <c>127.0.0.1</c>).
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>An absolute link to a path on the site.</summary>
    public string Link(string path) => BaseUrl.TrimEnd('/') + "/" + path.TrimStart('/');

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        const string s = SiteOptions.Section;
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return $"{s}:BaseUrl must be an absolute http(s) URL";
        if (!TrustedProxies.All(a => IPAddress.TryParse(a, out _))) yield return $"{s}:TrustedProxies must list IP addresses";
    }
}
