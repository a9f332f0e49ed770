using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Newsletter.Foundation;

namespace Newsletter.Matching;

/// <summary>
/// The topics readers can choose from, read from the <c>Topics</c> config section. Every query is checked against a
/// throwaway FTS5 table shaped like <c>papers_fts</c>, so a broken one stops start-up naming its slug.
/// </summary>
public sealed class TopicCatalog
{
    public const string Section = "Topics";

    public TopicCatalog(IOptions<List<Topic>> topics) : this(topics.Value)
    {
    }

    public TopicCatalog(IReadOnlyList<Topic> topics)
    {
        Validate(topics);
        All = topics;
    }

    /// <summary>Every topic, in catalog order.</summary>
    public IReadOnlyList<Topic> All { get; }

    /// <summary>The topic with that slug, or null.</summary>
    public Topic? Find(string slug) => All.FirstOrDefault(t => string.Equals(t.Slug, slug, StringComparison.OrdinalIgnoreCase));

    /// <summary>Throws a <see cref="ConfigurationException"/> naming <c>Topics:slug</c> for the first bad topic.</summary>
    public static void Validate(IReadOnlyList<Topic> topics)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE VIRTUAL TABLE probe USING fts5(title, abstract, authors, tokenize = 'porter unicode61 remove_diacritics 2')";
            create.ExecuteNonQuery();
        }
        for (var i = 0; i < topics.Count; i++)
        {
            var topic = topics[i];
            var key = $"{Section}:{(string.IsNullOrWhiteSpace(topic.Slug) ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : topic.Slug)}";
            if (string.IsNullOrWhiteSpace(topic.Slug)) throw new ConfigurationException(key, "every topic needs a Slug");
            if (!seen.Add(topic.Slug)) throw new ConfigurationException(key, "the slug is used by two topics");
            if (string.IsNullOrWhiteSpace(topic.Name)) throw new ConfigurationException(key, "every topic needs a Name");
            if (string.IsNullOrWhiteSpace(topic.Query)) throw new ConfigurationException(key, "every topic needs a Query");
            if (QueryError(connection, topic.Query) is { } error)
                throw new ConfigurationException(key, $"the query '{topic.Query}' is not a valid full-text query: {error}");
        }
    }

    /// <summary>Why SQLite's FTS5 rejects the query, or null when it accepts it.</summary>
    internal static string? QueryError(SqliteConnection connection, string query)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM probe WHERE probe MATCH $query";
        command.Parameters.AddWithValue("$query", query);
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read()) { }
            return null;
        }
        catch (SqliteException e)
        {
            return e.Message.Replace("SQLite Error 1: ", "", StringComparison.Ordinal).Trim('\'', ' ', '.');
        }
    }
}
