namespace Newsletter.Matching;

/// <summary>
/// A full-text query (FTS5 syntax) that is one list of phrases joined only by OR, or only by AND (written or
/// implicit): the shapes <see cref="WindowPostings"/> answers in managed code. Every other shape (NOT, NEAR, column
/// filters, parentheses, <c>^</c>, <c>+</c>, AND and OR mixed, a <c>*</c> not glued to its phrase) is not flat and
/// goes to FTS5 itself, which also gives the error for a broken one.
/// </summary>
internal static class FlatQuery
{
    /// <summary>One phrase of a flat query: its text as FTS5's tokenizer will see it, and whether its last word is a prefix.</summary>
    public readonly record struct Phrase(string Text, bool Prefix);

    /// <summary>
    /// The phrases of <paramref name="query"/> in FTS5's order (the order bm25 sums them in) into
    /// <paramref name="phrases"/>, and whether a row must match all of them (<paramref name="all"/>) or any; false
    /// when the query is not flat.
    /// </summary>
    public static bool TryParse(string query, List<Phrase> phrases, out bool all)
    {
        phrases.Clear();
        all = true;
        bool? and = null;
        var operatorPending = false;
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
                    if (operatorPending || phrases.Count == 0 || !Agrees(ref and, text == "AND")) return false;
                    operatorPending = true;
                    if (at < query.Length && query[at] != ' ') return false;
                    continue;
                }
                // NOT and NEAR are FTS5's; a phrase spelled so is written in quotes.
                if (text is "NOT" or "NEAR") return false;
            }
            var prefix = at < query.Length && query[at] == '*';
            if (prefix) at++;
            if (at < query.Length && query[at] != ' ') return false;
            if (!operatorPending && phrases.Count > 0 && !Agrees(ref and, true)) return false;
            operatorPending = false;
            phrases.Add(new Phrase(text, prefix));
        }
        all = and ?? true;
        return phrases.Count > 0 && !operatorPending;
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
