using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Matching;

/// <summary>
/// The terms FTS5 makes of a flat query's phrases (<see cref="FlatQuery"/>), as numbers of a window's terms
/// (<see cref="WindowPostings"/>). FTS5's own tokenizer makes them, not a stemmer of ours: the words are inserted as
/// documents into a scratch FTS5 table on the store's connection (same tokenizer) and read back through
/// <c>fts5vocab</c>, many words in one statement. A prefix query's word is stemmed like a document's (measured:
/// <c>"running"*</c> matches "runner", the stem "run" being the prefix), so a prefix is the last term of its phrase.
/// Each space-separated word is learnt once and remembered: the tokenizer splits at spaces, stemming each token alone.
/// </summary>
internal sealed class PhraseTermStore(SqliteConnection connection, WindowPostings postings) : IDisposable
{
    // Words per statement: a planning run learns all its keywords' words at once (~100,000 at 1,000,000 readers).
    private const int Batch = 4096;

    private readonly Dictionary<string, Word> _words = new(StringComparer.Ordinal);
    private readonly List<string> _unknown = [];
    private readonly List<FlatQuery.Phrase> _phrases = [];
    private SqliteStatement? _insert, _read, _clear;

    /// <summary>
    /// Learns the words of every flat query of <paramref name="queries"/> (FTS5 expressions) at once, so that each is
    /// later answered with no statement.
    /// </summary>
    public void Learn(IEnumerable<string> queries)
    {
        _unknown.Clear();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            if (!FlatQuery.TryParse(query, _phrases, out _, out _)) continue;
            foreach (var phrase in _phrases)
            {
                foreach (var word in phrase.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!_words.ContainsKey(word) && seen.Add(word)) _unknown.Add(word);
                }
            }
        }
        LearnUnknown();
    }

    /// <summary>
    /// The phrases of <paramref name="query"/> as slots of term numbers (see <see cref="WindowPostings.Match"/>), the
    /// last <paramref name="excluded"/> of them the NOT ones, and whether all the others must match; null when the
    /// query is not flat, or a phrase holds no word FTS5 would index (FTS5 then answers it as it always did).
    /// </summary>
    public (int Low, int High)[][]? Phrases(string query, out bool all, out int excluded)
    {
        // A lone surrogate is bound to FTS5 as U+FFFD but would reach the scratch table otherwise: FTS5 keeps those.
        if (!FlatQuery.TryParse(query, _phrases, out all, out excluded) || query.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0) return null;
        _unknown.Clear();
        // Words looked up as spans of the phrase: a run asks ~100,000 queries, and a string a word was garbage.
        var known = _words.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var phrase in _phrases)
        {
            var text = phrase.Text.AsSpan();
            foreach (var range in text.Split(' '))
            {
                var word = text[range];
                if (word.IsEmpty || known.ContainsKey(word)) continue;
                var unknown = word.ToString();
                if (!_unknown.Contains(unknown)) _unknown.Add(unknown);
            }
        }
        LearnUnknown();
        var slotsOf = new (int Low, int High)[_phrases.Count][];
        var slots = new List<(int Low, int High)>();
        for (var i = 0; i < _phrases.Count; i++)
        {
            slots.Clear();
            var prefix = (Low: 0, High: 0);
            var text = _phrases[i].Text.AsSpan();
            foreach (var range in text.Split(' '))
            {
                if (range.Start.Equals(range.End)) continue;
                var learnt = known[text[range]];
                if (learnt.Terms.Length == 0) continue;
                foreach (var term in learnt.Terms) slots.Add(term >= 0 ? (term, term + 1) : (0, 0));
                prefix = (learnt.PrefixLow, learnt.PrefixHigh);
            }
            if (slots.Count == 0) return null;
            if (_phrases[i].Prefix) slots[^1] = prefix;
            slotsOf[i] = [.. slots];
        }
        return slotsOf;
    }

    /// <summary>
    /// How many terms FTS5's tokenizer makes of each of <paramref name="texts"/>, each taken whole (a space in one
    /// splits it as FTS5 does): a few statements for all of them.
    /// </summary>
    public int[] TermCounts(IReadOnlyList<string> texts)
    {
        _unknown.Clear();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            if (!_words.ContainsKey(text) && seen.Add(text)) _unknown.Add(text);
        }
        LearnUnknown();
        var counts = new int[texts.Count];
        for (var i = 0; i < counts.Length; i++) counts[i] = _words[texts[i]].Terms.Length;
        return counts;
    }

    /// <summary>Asks FTS5 for the terms of the words in <see cref="_unknown"/>, a batch a statement.</summary>
    private void LearnUnknown()
    {
        if (_unknown.Count == 0) return;
        if (_insert is null)
        {
            using (var create = connection.CreateCommand())
            {
                // Contentless and without sizes: only its index is read, each batch then cleared.
                create.CommandText = $"""
                    CREATE VIRTUAL TABLE temp.query_words USING fts5(word, tokenize = '{WindowIndexStore.Tokenizer}', content = '', columnsize = 0);
                    CREATE VIRTUAL TABLE temp.query_terms USING fts5vocab(temp, query_words, instance);
                    """;
                create.ExecuteNonQuery();
            }
            _insert = new SqliteStatement(connection, "INSERT INTO temp.query_words (rowid, word) SELECT key, value FROM json_each(@words)");
            _read = new SqliteStatement(connection, "SELECT doc, offset, term FROM temp.query_terms");
            _clear = new SqliteStatement(connection, "INSERT INTO temp.query_words (query_words) VALUES ('delete-all')");
        }
        for (var from = 0; from < _unknown.Count; from += Batch)
        {
            var batch = _unknown.GetRange(from, Math.Min(Batch, _unknown.Count - from));
            var tokens = new List<(long Offset, string Term)>?[batch.Count];
            try
            {
                // Emptied first, not after: a batch an exhausted budget interrupted may have left its words there.
                _clear!.Execute();
                _insert.Bind("@words", JsonSerializer.Serialize(batch));
                _insert.Execute();
                var term = "";
                var last = new ArrayBufferWriter<byte>();
                while (_read!.Step())
                {
                    // Term by term: a term's string is made once for all its words.
                    var bytes = _read.Utf8(2);
                    if (!last.WrittenSpan.SequenceEqual(bytes))
                    {
                        term = Encoding.UTF8.GetString(bytes);
                        last.ResetWrittenCount();
                        last.Write(bytes);
                    }
                    (tokens[_read.Int64(0)] ??= []).Add((_read.Int64(1), term));
                }
            }
            finally
            {
                _read!.Reset();
            }
            for (var i = 0; i < batch.Count; i++) _words[batch[i]] = Resolve(tokens[i]);
        }
        _unknown.Clear();
    }

    /// <summary>A word's terms in order, as the window's term numbers, and the range its last term is the prefix of.</summary>
    private Word Resolve(List<(long Offset, string Term)>? tokens)
    {
        if (tokens is null) return new Word([], 0, 0);
        tokens.Sort((x, y) => x.Offset.CompareTo(y.Offset));
        var terms = new int[tokens.Count];
        for (var i = 0; i < terms.Length; i++) terms[i] = postings.Term(tokens[i].Term);
        var (low, high) = postings.Prefixed(tokens[^1].Term);
        return new Word(terms, low, high);
    }

    public void Dispose()
    {
        _insert?.Dispose();
        _read?.Dispose();
        _clear?.Dispose();
    }

    /// <summary>A learnt word: its terms' numbers (-1 for a term no paper of the window holds), and the range of terms its last one is the prefix of.</summary>
    private readonly record struct Word(int[] Terms, int PrefixLow, int PrefixHigh);
}
