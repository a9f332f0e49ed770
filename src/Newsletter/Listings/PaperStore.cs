using System.Data.Common;
using Dapper;
using Newsletter.Storage;

namespace Newsletter.Listings;

/// <summary>
/// The papers table, its categories and sources, and on SQLite its full-text index (triggers, or in bulk on merge).
/// PostgreSQL keeps no full-text index: matching runs over an in-memory index of the window on either provider.
/// </summary>
public sealed class PaperStore(Database database, TimeProvider clock)
{
    /// <summary>
    /// Merges entries in one transaction: a known arXiv id or normalised title updates the existing paper
    /// (upvotes to the larger, missing fields filled, the source recorded), anything else is inserted with the next
    /// sequence number. An <see cref="ListingEntry.UpdateOnly"/> entry never inserts and counts as a duplicate.
    /// New papers enter the full-text index together, in the same transaction, just before it commits.
    /// </summary>
    public (int New, int Duplicate) Merge(IReadOnlyList<ListingEntry> entries, string source)
    {
        using var connection = database.Connect();
        if (database.IsPostgres) return Merge(connection, entries, source);
        // A month of papers touches tens of MB of table and index pages: with the default 2 MB cache they would be
        // spilled to the WAL and read back during the transaction. Reset before the connection returns to the pool.
        connection.Execute("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY");
        try
        {
            return Merge(connection, entries, source);
        }
        finally
        {
            connection.Execute("PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT");
        }
    }

    private (int New, int Duplicate) Merge(DbConnection connection, IReadOnlyList<ListingEntry> entries, string source)
    {
        var now = Stamp(database, clock.GetUtcNow())!;
        using var transaction = connection.BeginTransaction();
        // SQLite: the first statement writes, so the transaction holds the write lock before it reads the newest id.
        // Papers above that id are indexed in one statement at the end (see migration 0006), not one per row.
        if (!database.IsPostgres)
            connection.Execute("INSERT INTO papers_fts_deferred (after_id) SELECT COALESCE(MAX(id), 0) FROM papers", transaction: transaction);
        using var statements = new MergeStatements(connection, transaction, source, database);
        int added = 0, duplicates = 0;
        foreach (var entry in entries)
        {
            if (statements.Merge(entry, now)) added++;
            else duplicates++;
        }
        if (!database.IsPostgres)
        {
            connection.Execute(
                """
                INSERT INTO papers_fts (rowid, title, abstract, authors)
                SELECT id, title, abstract, authors FROM papers WHERE id > (SELECT after_id FROM papers_fts_deferred)
                """, transaction: transaction);
            connection.Execute("DELETE FROM papers_fts_deferred", transaction: transaction);
        }
        transaction.Commit();
        return (added, duplicates);
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = DBNull.Value;
            command.Parameters.Add(parameter);
        }
        // SQLite compiles once here; Npgsql would fix each parameter's type from its first (null) value, so it parses
        // per execution instead (a round trip it pays anyway).
        if (connection is Microsoft.Data.Sqlite.SqliteConnection) command.Prepare();
        return command;
    }

    private static long? Scalar(DbCommand command, object value)
    {
        command.Parameters[0].Value = value;
        return command.ExecuteScalar() is long id ? id : null;
    }

    /// <summary>Binds the values to the command's parameters in order, runs it, and returns its first value.</summary>
    private static object? Run(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command.ExecuteScalar();
    }

    /// <summary>A time as this provider's column holds it: SQLite's fixed-width text, PostgreSQL's UTC instant.</summary>
    private static object? Stamp(Database database, DateTimeOffset? at) => at is not { } value ? null
        : database.IsPostgres ? UtcTimestampHandler.ToInstant(value) : UtcTimestampHandler.ToText(value);

    /// <summary>Papers by id, in the order asked.</summary>
    public IReadOnlyList<Paper> Get(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return [];
        using var connection = database.Connect();
        // One list parameter (Database.List): a JSON array on SQLite, an array on PostgreSQL.
        var found = connection.Query<Paper>(
            database.Dialect(
                sqlite: """
                SELECT id, arxiv_id AS ArxivId, title, abstract, authors, published_at AS PublishedAt, upvotes,
                       abs_url AS AbsUrl, pdf_url AS PdfUrl, hf_url AS HfUrl, github_url AS GithubUrl,
                       project_url AS ProjectUrl, ai_summary AS AiSummary, first_seen_at AS FirstSeenAt
                FROM papers WHERE id IN (SELECT value FROM json_each(@ids))
                """,
                postgres: """
                SELECT id, arxiv_id AS ArxivId, title, abstract, authors, published_at AS PublishedAt, upvotes,
                       abs_url AS AbsUrl, pdf_url AS PdfUrl, hf_url AS HfUrl, github_url AS GithubUrl,
                       project_url AS ProjectUrl, ai_summary AS AiSummary, first_seen_at AS FirstSeenAt
                FROM papers WHERE id = ANY(@ids)
                """),
            new { ids = database.List(ids) }).ToDictionary(p => p.Id);
        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    /// <summary>
    /// When each of these papers last changed, by id (a paper deleted since is not there): every merge into a stored
    /// paper sets it, so a sending run re-reads only the papers whose time moved since it read them.
    /// </summary>
    public IReadOnlyDictionary<long, DateTimeOffset> ChangedAt(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return new Dictionary<long, DateTimeOffset>();
        using var connection = database.Connect();
        return connection.Query<PaperChange>(
            database.Dialect(
                sqlite: "SELECT id AS Id, updated_at AS UpdatedAt FROM papers WHERE id IN (SELECT value FROM json_each(@ids))",
                postgres: "SELECT id AS Id, updated_at AS UpdatedAt FROM papers WHERE id = ANY(@ids)"),
            new { ids = database.List(ids) }).ToDictionary(p => p.Id, p => p.UpdatedAt);
    }

    /// <summary>
    /// The number that moves whenever any paper is added, changed or removed (<c>paper_changes</c>, kept by triggers
    /// on both providers): while it stands still, papers read before are as they were, without asking each one's time.
    /// </summary>
    public long Version()
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<long>("SELECT version FROM paper_changes");
    }

    private sealed class PaperChange
    {
        public long Id { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
    }

    /// <summary>Whether any paper is stored (cheaper than counting them).</summary>
    public bool Any()
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<bool>("SELECT EXISTS (SELECT 1 FROM papers)");
    }

    /// <summary>How many papers are stored.</summary>
    public long Count()
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM papers");
    }

    /// <summary>The statements a merge runs per entry, prepared once per merge: re-parsing SQL per row would dominate.</summary>
    private sealed class MergeStatements : IDisposable
    {
        private readonly DbCommand _byArxivId;
        private readonly DbCommand _byTitle;
        private readonly DbCommand _insert;
        private readonly DbCommand _update;
        private readonly DbCommand _fillAuthors;
        private readonly DbCommand _revise;
        private readonly DbCommand _addCategory;
        private readonly DbCommand _addSource;
        private readonly Database _database;

        public MergeStatements(DbConnection connection, DbTransaction transaction, string source, Database database)
        {
            _database = database;
            _byArxivId = Prepare(connection, transaction, "SELECT id FROM papers WHERE arxiv_id = @arxivId", "@arxivId");
            _byTitle = Prepare(connection, transaction, "SELECT id FROM papers WHERE normalized_title = @normalized", "@normalized");
            _insert = Prepare(connection, transaction,
                """
                INSERT INTO papers (paper_key, arxiv_id, title, normalized_title, abstract, authors, published_at, upvotes,
                                    abs_url, pdf_url, hf_url, github_url, project_url, ai_summary, first_seen_at, updated_at)
                VALUES (@key, @arxivId, @title, @normalized, @abstract, @authors, @publishedAt, @upvotes,
                        @absUrl, @pdfUrl, @hfUrl, @githubUrl, @projectUrl, @aiSummary, @now, @now)
                RETURNING id
                """,
                "@key", "@arxivId", "@title", "@normalized", "@abstract", "@authors", "@publishedAt", "@upvotes",
                "@absUrl", "@pdfUrl", "@hfUrl", "@githubUrl", "@projectUrl", "@aiSummary", "@now");
            // Columns the index covers are left out here, so the full-text trigger only runs when authors are filled in.
            // Upvotes keep the larger count: another source's older snapshot must not lower a paper's count. A listing's
            // repository, project page and summary replace what was stored (they get added and corrected over days).
            _update = Prepare(connection, transaction,
                // The larger of the stored and the new count, written so both dialects read it alike (SQLite has no
                // GREATEST, PostgreSQL's MAX is only an aggregate; the cast tells PostgreSQL the parameter's type).
                """
                UPDATE papers SET
                    arxiv_id     = COALESCE(arxiv_id, @arxivId),
                    published_at = COALESCE(published_at, @publishedAt),
                    upvotes      = CASE WHEN CAST(@upvotes AS bigint) IS NULL THEN upvotes
                                        WHEN COALESCE(upvotes, 0) >= CAST(@upvotes AS bigint) THEN COALESCE(upvotes, 0)
                                        ELSE CAST(@upvotes AS bigint) END,
                    abs_url      = COALESCE(abs_url, @absUrl),
                    pdf_url      = COALESCE(pdf_url, @pdfUrl),
                    hf_url       = COALESCE(hf_url, @hfUrl),
                    github_url   = COALESCE(@githubUrl, github_url),
                    project_url  = COALESCE(@projectUrl, project_url),
                    ai_summary   = COALESCE(@aiSummary, ai_summary),
                    updated_at   = @now
                WHERE id = @id
                """,
                "@arxivId", "@publishedAt", "@upvotes", "@absUrl", "@pdfUrl", "@hfUrl", "@githubUrl", "@projectUrl", "@aiSummary", "@now", "@id");
            _fillAuthors = Prepare(connection, transaction,
                "UPDATE papers SET authors = @authors WHERE id = @id AND authors = '' AND @authors <> ''", "@authors", "@id");
            // A new version (arXiv replace) brings its revised abstract and authors; its title too, unless that would
            // collide with another paper's.
            _revise = Prepare(connection, transaction,
                """
                UPDATE papers SET
                    abstract = @abstract,
                    authors  = CASE WHEN @authors = '' THEN authors ELSE @authors END,
                    title    = CASE WHEN EXISTS (SELECT 1 FROM papers o WHERE o.normalized_title = @normalized AND o.id <> @id)
                                    THEN title ELSE @title END,
                    normalized_title = CASE WHEN EXISTS (SELECT 1 FROM papers o WHERE o.normalized_title = @normalized AND o.id <> @id)
                                    THEN normalized_title ELSE @normalized END
                WHERE id = @id AND (abstract <> @abstract OR title <> @title OR (@authors <> '' AND authors <> @authors))
                """,
                "@abstract", "@authors", "@title", "@normalized", "@id");
            _addCategory = Prepare(connection, transaction,
                "INSERT INTO paper_categories (paper_id, category) VALUES (@paperId, @category) ON CONFLICT DO NOTHING", "@paperId", "@category");
            _addSource = Prepare(connection, transaction,
                "INSERT INTO paper_sources (paper_id, source) VALUES (@paperId, @source) ON CONFLICT DO NOTHING", "@paperId", "@source");
            _addSource.Parameters[1].Value = source;
        }

        /// <summary>Inserts the entry as a new paper (true) or updates the paper it duplicates (false).</summary>
        public bool Merge(ListingEntry entry, object now)
        {
            var title = ListingEntryRules.Clean(entry.Title);
            var normalized = TitleNormalizer.Normalize(title);
            var authors = string.Join(", ", entry.Authors);
            long? existing = null;
            if (entry.ArxivId is not null) existing = Scalar(_byArxivId, entry.ArxivId);
            existing ??= Scalar(_byTitle, normalized);

            long paperId;
            if (existing is { } id)
            {
                paperId = id;
                Run(_update, entry.ArxivId, Stamp(_database, entry.PublishedAt), entry.Upvotes, entry.AbsUrl, entry.PdfUrl, entry.HfUrl,
                    entry.GithubUrl, entry.ProjectUrl, entry.AiSummary, now, id);
                if (entry.UpdateOnly) Run(_revise, entry.Abstract, authors, title, normalized, id);
                else Run(_fillAuthors, authors, id);
            }
            else if (entry.UpdateOnly)
            {
                return false;
            }
            else
            {
                paperId = (long)Run(_insert, entry.ArxivId ?? TitleNormalizer.TitleKey(normalized), entry.ArxivId, title, normalized,
                    entry.Abstract, authors, Stamp(_database, entry.PublishedAt), entry.Upvotes, entry.AbsUrl, entry.PdfUrl, entry.HfUrl,
                    entry.GithubUrl, entry.ProjectUrl, entry.AiSummary, now)!;
            }
            _addCategory.Parameters[0].Value = paperId;
            foreach (var category in entry.Categories)
            {
                _addCategory.Parameters[1].Value = category;
                _addCategory.ExecuteNonQuery();
            }
            _addSource.Parameters[0].Value = paperId;
            _addSource.ExecuteNonQuery();
            return existing is null;
        }

        public void Dispose()
        {
            _byArxivId.Dispose();
            _byTitle.Dispose();
            _insert.Dispose();
            _update.Dispose();
            _fillAuthors.Dispose();
            _revise.Dispose();
            _addCategory.Dispose();
            _addSource.Dispose();
        }
    }
}
