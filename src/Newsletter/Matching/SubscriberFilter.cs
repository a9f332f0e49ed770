using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Matching;

/// <summary>One of a reader's interests: a catalog topic (by slug) or an own keyword query.</summary>
public sealed record SubscriberFilter(string Kind, string Value)
{
    public const string Topic = "topic";
    public const string Keyword = "keyword";

    public static SubscriberFilter ForTopic(string slug) => new(Topic, slug);
    public static SubscriberFilter ForKeyword(string query) => new(Keyword, query);

    /// <summary>
    /// A short, URL-safe name for a keyword query (hex of its SHA-256), used by its "stop this search" link: the
    /// page finds the reader's keyword with this name, so the link works whatever characters the query holds.
    /// </summary>
    public static string KeywordKey(string query) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..16];
}
