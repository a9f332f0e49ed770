using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Newsletter.Subscriptions;
using Scriban.Functions;

namespace Newsletter.Delivery;

/// <summary>
/// Digests that differ only in their reader, rendered once per sending run. Readers with the same filters and
/// schedule get the same papers, so their emails differ only in the address and the personal links. Those are
/// rendered as stand-ins (a random per-run marker the templates pass through as plain text) and each reader's
/// values are filled in afterwards, which costs a copy instead of three template renders.
/// </summary>
/// <remarks>
/// A template that changed a personal value rather than printing it (upper-cased the address, say) would leave
/// a mangled marker behind: <see cref="Fill"/> notices the marker left over and the caller renders that reader
/// in full instead. Bounded: cleared when the kept renders pass <see cref="CharLimit"/> characters.
/// </remarks>
public sealed class SharedRenders
{
    private const long CharLimit = 24 * 1024 * 1024;
    private readonly ConcurrentDictionary<string, RenderedDigest> _renders = new(StringComparer.Ordinal);
    private readonly string _marker = "nl" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private long _chars;
    private int _hits, _made;

    /// <summary>The address the shared render is made with.</summary>
    public string EmailStandIn => _marker + "E";

    /// <summary>The tokens the shared render's links are made with.</summary>
    public ReaderTokens TokensStandIn => new(_marker + "M", _marker + "U");

    /// <summary>The archive token the shared render's "view in browser" link is made with.</summary>
    public string ArchiveStandIn => _marker + "A";

    /// <summary>How many readers were served from a render already made (for the logs).</summary>
    public int Hits => _hits;

    /// <summary>How many shared renders were made (for the logs).</summary>
    public int Renders => _made;

    /// <summary>The shared render for <paramref name="key"/>, made by <paramref name="render"/> the first time.</summary>
    public RenderedDigest Get(string key, Func<RenderedDigest> render)
    {
        if (_renders.TryGetValue(key, out var kept))
        {
            Interlocked.Increment(ref _hits);
            return kept;
        }
        var made = render();
        Interlocked.Increment(ref _made);
        var size = made.Subject.Length + made.Html.Length + made.Text.Length + key.Length;
        if (Interlocked.Add(ref _chars, size) > CharLimit)
        {
            _renders.Clear();
            Interlocked.Exchange(ref _chars, size);
        }
        _renders[key] = made;
        return made;
    }

    /// <summary>The shared render with one reader's values in place of the stand-ins, or null when a template
    /// changed a stand-in so that it cannot be filled in.</summary>
    public RenderedDigest? Fill(RenderedDigest shared, string email, ReaderTokens tokens, string archiveToken)
    {
        var subject = Fill(shared.Subject, email, tokens, archiveToken);
        var html = Fill(shared.Html, HtmlFunctions.Escape(email) ?? "", tokens, archiveToken);
        var text = Fill(shared.Text, email, tokens, archiveToken);
        return subject is null || html is null || text is null ? null : new RenderedDigest(subject, html, text);
    }

    private string? Fill(string rendered, string email, ReaderTokens tokens, string archiveToken)
    {
        var at = rendered.IndexOf(_marker, StringComparison.Ordinal);
        if (at < 0) return Intact(rendered) ? rendered : null;
        var filled = new StringBuilder(rendered.Length + 256);
        var from = 0;
        while (at >= 0)
        {
            var end = at + _marker.Length;
            string? value = end < rendered.Length ? rendered[end] switch
            {
                'E' => email,
                'M' => tokens.Manage,
                'U' => tokens.Unsubscribe,
                'A' => archiveToken,
                _ => null,
            } : null;
            if (value is null) return null;
            filled.Append(rendered, from, at - from).Append(value);
            from = end + 1;
            at = rendered.IndexOf(_marker, from, StringComparison.Ordinal);
        }
        filled.Append(rendered, from, rendered.Length - from);
        var result = filled.ToString();
        return Intact(result) ? result : null;
    }

    // A marker changed in case (or cut) by a template is still found here, and must not reach a reader.
    private bool Intact(string filled) => filled.IndexOf(_marker.AsSpan(0, 10), StringComparison.OrdinalIgnoreCase) < 0;
}
