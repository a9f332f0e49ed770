namespace Newsletter.Matching;

/// <summary>
/// A full-text query (FTS5 syntax) that is one list of phrases joined only by OR, or only by AND (written or
/// implicit), the AND list (or lone phrase) perhaps followed by <c>NOT</c> phrases (<c>a b NOT c NOT d</c>: the papers
/// with a and b, less those with c or d): the shapes <see cref="WindowPostings"/> answers in managed code. Every other
/// shape (NEAR, column filters, parentheses, <c>^</c>, <c>+</c>, AND and OR mixed, an OR list before NOT, anything
/// after a NOT phrase but another, a <c>*</c> not glued to its phrase) is not flat and goes to FTS5 itself, which also
/// gives the error for a broken one.
/// </summary>
internal static class FlatQuery
{
    /// <summary>One phrase of a flat query: its text as FTS5's tokenizer will see it, and whether its last word is a prefix.</summary>
    public readonly record struct Phrase(string Text, bool Prefix);

    /// <summary>
    /// The phrases of <paramref name="query"/> in FTS5's order (the order bm25 sums them in) into
    /// <paramref name="phrases"/>, the last <paramref name="excluded"/> of them the ones after a NOT, and whether a row
    /// must match all the others (<paramref name="all"/>) or any; false when the query is not flat.
    /// </summary>
    /// <remarks>
    /// FTS5 scores an excluded phrase too, but in a row it matched that phrase stands nowhere, so it adds exactly 0 to
    /// the row's bm25: the others' sum is FTS5's to the bit. NOT binds tighter than AND and a run of phrases tighter
    /// than either, so only a NOT phrase or the end may follow one (<c>a NOT b c</c> is a NOT (b AND c)).
    /// </remarks>
    public static bool TryParse(string query, List<Phrase> phrases, out bool all, out int excluded)
    {
        phrases.Clear();
        all = true;
        excluded = 0;
        bool? and = null;
        var operatorPending = false;
        var negating = false; // a NOT was met: every phrase from here on is excluded
        var at = 0;
        while (true)
        {
            while (at < query.Length && query[at] == ' ') at++;
            if (at == query.Length) break;
            string text;
            if (query[at] == '"')
            {
                if (!Quoted(query, ref at, out text)) return false;
            }
            else
            {
                var from = at;
                while (at < query.Length && IsBareword(query[at])) at++;
                if (at == from) return false;
                text = query[from..at];
                if (text is "AND" or "OR")
                {
                    if (negating || operatorPending || phrases.Count == 0 || !Agrees(ref and, text == "AND")) return false;
                    operatorPending = true;
                    if (at < query.Length && query[at] != ' ') return false;
                    continue;
                }
                if (text == "NOT")
                {
                    // Only after an AND list or a lone phrase (not an OR list), or after another NOT's phrase.
                    if (operatorPending || phrases.Count == 0 || and == false) return false;
                    (negating, operatorPending) = (true, true);
                    if (at < query.Length && query[at] != ' ') return false;
                    continue;
                }
                // NEAR is FTS5's; a phrase spelled so (or NOT, AND, OR) is written in quotes.
                if (text == "NEAR") return false;
            }
            var prefix = at < query.Length && query[at] == '*';
            if (prefix) at++;
            if (at < query.Length && query[at] != ' ') return false;
            if (negating && !operatorPending) return false;
            if (!operatorPending && phrases.Count > 0 && !Agrees(ref and, true)) return false;
            operatorPending = false;
            phrases.Add(new Phrase(text, prefix));
            if (negating) excluded++;
        }
        all = and ?? true;
        return phrases.Count > excluded && !operatorPending;
    }

    /// <summary>Whether the operator <paramref name="isAnd"/> is the query's only one so far.</summary>
    private static bool Agrees(ref bool? and, bool isAnd)
    {
        and ??= isAnd;
        return and == isAnd;
    }

    /// <summary>A quoted phrase starting at <paramref name="at"/>, a doubled quote inside standing for one.</summary>
    private static bool Quoted(string query, ref int at, out string text)
    {
        var from = ++at;
        var doubled = false;
        while (true)
        {
            var quote = query.IndexOf('"', at);
            if (quote < 0)
            {
                text = "";
                return false;
            }
            if (quote + 1 < query.Length && query[quote + 1] == '"')
            {
                doubled = true;
                at = quote + 2;
                continue;
            }
            text = query[from..quote];
            if (doubled) text = text.Replace("\"\"", "\"", StringComparison.Ordinal);
            at = quote + 1;
            return true;
        }
    }

    /// <summary>FTS5's bareword characters: ASCII letters, digits, '_', 0x1A and every character beyond ASCII.</summary>
    private static bool IsBareword(char c) => c >= 0x80 || char.IsAsciiLetterOrDigit(c) || c is '_' or '\u001A';
}
