using Microsoft.Extensions.Options;

namespace Newsletter.Listings;

/// <summary>Reads one source (file or URL), parses it in its format and merges its papers.</summary>
public sealed class ListingIngester(
    PaperStore papers,
    IOptions<IngestOptions> options,
    IHostEnvironment environment,
    IHttpClientFactory httpClients,
    TimeProvider clock,
    ILogger<ListingIngester> logger)
{
    /// <summary>Ingests one source; throws <see cref="ListingFormatException"/> when it cannot be read at all.</summary>
    public async Task<IngestResult> IngestAsync(string location, string? name, CancellationToken cancellationToken)
    {
        var text = await ReadAsync(location, cancellationToken);
        var parsed = Parse(text);
        var sourceName = name ?? location;
        var (added, duplicates) = papers.Merge(parsed.Entries, sourceName);
        var result = new IngestResult(sourceName, added, duplicates, parsed.Rejections);
        foreach (var rejection in parsed.Rejections) logger.LogInformation("{Source}: rejected {Rejection}", sourceName, rejection);
        logger.LogInformation("{Summary}", result);
        return result;
    }

    private ParsedListing Parse(string text)
    {
        if (PapersPageParser.LooksLike(text)) return PapersPageParser.Parse(text, clock.GetUtcNow());
        throw new ListingFormatException("not a known listing format");
    }

    private async Task<string> ReadAsync(string location, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            var client = httpClients.CreateClient(nameof(ListingIngester));
            client.Timeout = TimeSpan.FromSeconds(options.Value.HttpTimeoutSeconds);
            using var response = await client.GetAsync(uri, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new ListingFormatException($"{location}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        // A relative path is looked for in the working directory, the content root, then beside the binary
        // (where the shipped sample listing is copied).
        var path = Path.IsPathRooted(location)
            ? location
            : new[] { Directory.GetCurrentDirectory(), environment.ContentRootPath, AppContext.BaseDirectory }
                .Select(folder => Path.Combine(folder, location))
                .FirstOrDefault(File.Exists) ?? location;
        if (!File.Exists(path)) throw new ListingFormatException($"{location}: no such file");
        if (new FileInfo(path).Length > options.Value.MaxSourceBytes)
            throw new ListingFormatException($"{location}: larger than {IngestOptions.Section}:MaxSourceBytes ({options.Value.MaxSourceBytes} bytes)");
        return await File.ReadAllTextAsync(path, cancellationToken);
    }
}
