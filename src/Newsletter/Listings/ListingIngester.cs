using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace Newsletter.Listings;

/// <summary>Reads one source (file or URL), parses it in its format and merges its papers.</summary>
public sealed class ListingIngester(
    PaperStore papers,
    ListingSourceStore sources,
    IOptions<IngestOptions> options,
    IHostEnvironment environment,
    IHttpClientFactory httpClients,
    TimeProvider clock,
    ILogger<ListingIngester> logger)
{
    /// <summary>The named <see cref="HttpClient"/> listings are fetched with.</summary>
    public const string HttpClientName = nameof(ListingIngester);

    /// <summary>Ingests one source, detecting its format; throws an <see cref="UnreadableListingException"/> when it cannot be read.</summary>
    public Task<IngestResult> IngestAsync(string location, string? name, CancellationToken cancellationToken) =>
        IngestAsync(location, name, ListingFormat.Auto, cancellationToken);

    /// <summary>
    /// Ingests one source in the given format (or detected, for <see cref="ListingFormat.Auto"/>), <c>{date}</c> being
    /// today (UTC). Nothing is stored when it throws an <see cref="UnreadableListingException"/>: an HTTP error, a
    /// missing file, too large, or not a listing.
    /// </summary>
    public Task<IngestResult> IngestAsync(string location, string? name, ListingFormat format, CancellationToken cancellationToken) =>
        IngestAsync(location, name, format, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), cancellationToken);

    /// <summary>
    /// Reads a configured source in this run: today, and for a dated source (<c>{date}</c> in its URL) each of the
    /// last <see cref="IngestOptions.BackfillDays"/> days never read before (all of them on a first start, the days
    /// missed after downtime), newest first. It stops as soon as the source does not answer at all; a day that failed is
    /// asked for again in the next run. Never throws <see cref="UnreadableListingException"/>: the failure is in the result.
    /// </summary>
    public async Task<SourceRunResult> IngestSourceAsync(ListingSource source, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(source.Name) ? source.Url : source.Name;
        var format = ListingFormats.Parse(source.Format);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var days = new List<DateOnly> { today };
        if (source.Url.Contains(DatePlaceholder, StringComparison.Ordinal))
        {
            days.AddRange(Enumerable.Range(1, options.Value.BackfillDays)
                .Select(back => today.AddDays(-back))
                .Where(day => !sources.WasRead(Key(Resolve(source.Url, day)))));
        }
        int added = 0, duplicates = 0, rejected = 0, read = 0;
        string? failure = null;
        foreach (var day in days)
        {
            try
            {
                var result = await IngestAsync(source.Url, name, format, day, cancellationToken);
                (added, duplicates, rejected, read) = (added + result.New, duplicates + result.Duplicate, rejected + result.Rejections.Total, read + 1);
            }
            catch (UnreadableListingException e)
            {
                var what = day == today ? "" : $"{day:yyyy-MM-dd}: ";
                failure ??= what + OneLine(e.Message);
                if (e is ListingFetchException { Unreachable: true }) break;
            }
        }
        return new SourceRunResult(name, added, duplicates, rejected, read, failure);
    }

    private const string DatePlaceholder = "{date}";

    private static string Resolve(string location, DateOnly day) =>
        location.Replace(DatePlaceholder, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>How a listing is known in <c>listing_sources</c>: a URL in its canonical form, a file as given.</summary>
    private static string Key(string resolved) => AsHttp(resolved) is { } uri ? uri.ToString() : resolved;

    private static Uri? AsHttp(string resolved) =>
        Uri.TryCreate(resolved, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private async Task<IngestResult> IngestAsync(string location, string? name, ListingFormat format, DateOnly day, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var sourceName = string.IsNullOrWhiteSpace(name) ? location : name;
        var resolved = Resolve(location, day);

        IngestResult result;
        if (AsHttp(resolved) is { } uri)
        {
            var (content, validators) = await FetchAsync(uri, cancellationToken);
            if (content is null)
            {
                result = new IngestResult(sourceName, 0, 0, []) { NotModified = true };
            }
            else
            {
                result = Store(content, format, now, sourceName);
                // Saved only once the papers are committed: a failed run fetches the whole listing again.
                sources.Save(uri.ToString(), validators!);
            }
        }
        else
        {
            result = Store(await ReadFileAsync(resolved, cancellationToken), format, now, sourceName);
            // Recorded so that a dated file source, like a dated URL, is backfilled once per day.
            sources.Save(resolved, new HttpValidators(null, null));
        }
        foreach (var rejection in result.Rejections) logger.LogDebug("{Source}: rejected {Rejection}", sourceName, rejection);
        return result;
    }

    private IngestResult Store(byte[] content, ListingFormat format, DateTimeOffset now, string sourceName)
    {
        var parsed = ListingParser.Parse(content, format, now);
        var (added, duplicates) = papers.Merge(parsed.Entries, sourceName);
        return new IngestResult(sourceName, added, duplicates, parsed.Rejections);
    }

    /// <summary>The body, or null when the server says it has not changed since the validators we hold.</summary>
    private async Task<(byte[]? Content, HttpValidators? Validators)> FetchAsync(Uri uri, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxSourceBytes;
        var timeout = TimeSpan.FromSeconds(options.Value.HttpTimeoutSeconds);
        using var client = httpClients.CreateClient(HttpClientName);
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (sources.Get(uri.ToString()) is { } known)
        {
            if (known.ETag is { } etag) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            if (known.LastModified is { } lastModified) request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        }
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token);
            if (response.StatusCode == HttpStatusCode.NotModified) return (null, null);
            if (!response.IsSuccessStatusCode)
                throw new ListingFetchException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
            if (response.Content.Headers.ContentLength > limit) throw TooLarge();
            await using var stream = await response.Content.ReadAsStreamAsync(timeoutSource.Token);
            var content = await ReadCappedAsync(stream, limit, timeoutSource.Token);
            var validators = new HttpValidators(
                response.Headers.ETag?.ToString(),
                response.Content.Headers.LastModified?.ToString("R", CultureInfo.InvariantCulture));
            return (content, validators);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ListingFetchException($"no complete answer within {options.Value.HttpTimeoutSeconds} s ({IngestOptions.Section}:HttpTimeoutSeconds)")
            {
                Unreachable = true,
            };
        }
        catch (HttpRequestException e)
        {
            throw new ListingFetchException($"cannot fetch: {e.Message}", e) { Unreachable = true };
        }
    }

    private async Task<byte[]> ReadFileAsync(string location, CancellationToken cancellationToken)
    {
        // A relative path is looked for in the working directory, the content root, then beside the binary
        // (where the shipped sample listing is copied).
        var path = Path.IsPathRooted(location)
            ? location
            : new[] { Directory.GetCurrentDirectory(), environment.ContentRootPath, AppContext.BaseDirectory }
                .Select(folder => Path.Combine(folder, location))
                .FirstOrDefault(File.Exists) ?? location;
        if (!File.Exists(path)) throw new ListingFileException("no such file");
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
            if (stream.Length > options.Value.MaxSourceBytes) throw TooLarge();
            // Read into an array of the file's size: growing a buffer and copying it out would hold a large
            // listing two or three times over. A file that grew meanwhile is read again the general way.
            var content = new byte[stream.Length];
            await stream.ReadExactlyAsync(content, cancellationToken);
            if (await stream.ReadAsync(new byte[1], cancellationToken) == 0) return content;
            stream.Position = 0;
            return await ReadCappedAsync(stream, options.Value.MaxSourceBytes, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ListingFileException($"cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>Reads the stream to its end, failing as soon as it passes <paramref name="limit"/> bytes.</summary>
    private async Task<byte[]> ReadCappedAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private ListingTooLargeException TooLarge() => new(options.Value.MaxSourceBytes);
}
