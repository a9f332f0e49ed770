using System.Globalization;
using System.Text;

namespace Newsletter.Matching;

/// <summary>
/// A reader's keyword query as they type it, checked against <see cref="QueryOptions"/> and translated to the FTS5
/// expression every matcher runs (planner, preview, the <c>preview</c> verb). The keyword itself is stored as typed.
/// </summary>
/// <remarks>
/// The language is FTS5's: words, "phrases", prefix*, AND / OR / NOT (upper case), parentheses,
/// NEAR(a b, N) and <c>title:</c> / <c>abstract:</c> / <c>authors:</c> before a word, phrase or group. Each word is
/// passed to FTS5 in quotes, so <c>state-space</c> means the phrase "state space" (FTS5's tokenizer splits it the
/// same way) and no character a reader types can reach FTS5's own syntax.
/// </remarks>
public static class ReaderQuery
{
    private static readonly string[] Columns = ["title", "abstract", "authors"];

    /// <summary>No limits: for translating queries already stored, where only the syntax matters.</summary>
    private static readonly QueryOptions Unlimited = new()
    {
        MaxTerms = int.MaxValue, MaxPrefixTerms = int.MaxValue, MinPrefixLength = 1, MaxOrBranches = int.MaxValue,
        MaxNearPhrases = int.MaxValue, MaxNearDistance = int.MaxValue, MaxDepth = 64,
    };

    /// <summary>The FTS5 expression for <paramref name="typed"/>, or null with the rule it breaks in <paramref name="problem"/>.</summary>
    public static string? Translate(string typed, QueryOptions limits, out string? problem)
    {
        try
        {
            var expression = new Parser(typed, limits).Parse();
            problem = null;
            return expression;
        }
        catch (QueryRuleException e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>The FTS5 expression for a stored query, whatever the limits; null when its syntax is broken.</summary>
    public static string? ToFts5(string typed) => Translate(typed, Unlimited, out _);

    private sealed class QueryRuleException(string message) : Exception(message);

    private enum Kind { Word, Phrase, Open, Close, Comma, Star, Colon, End }

    private readonly record struct Token(Kind Kind, string Text, int Position, bool Glued);

    private sealed class Parser(string text, QueryOptions limits)
    {
        private readonly List<Token> _tokens = Tokenize(text);
        private int _at;
        private int _terms, _prefixes, _ors, _depth;

        public string Parse()
        {
            if (_tokens.Count == 1) throw new QueryRuleException("it is empty.");
            var expression = Or();
            if (Peek.Kind == Kind.Close) throw new QueryRuleException("a ')' has no '(' before it.");
            // What is left can only be a comma, '*' or ':' out of place: Primary says which rule that breaks.
            if (Peek.Kind != Kind.End)
            {
                Primary();
                throw new QueryRuleException($"unexpected '{Peek.Text}'.");
            }
            if (_terms > limits.MaxTerms) throw new QueryRuleException($"at most {limits.MaxTerms} words in one search.");
            return expression;
        }

        private Token Peek => _tokens[_at];

        private Token Next() => _tokens[_at++];

        private bool IsOperator(string word) => Peek.Kind == Kind.Word && Peek.Text == word;

        private string Or()
        {
            var parts = new List<string> { And() };
            while (IsOperator("OR"))
            {
                Next();
                if (++_ors + 1 > limits.MaxOrBranches)
                    throw new QueryRuleException($"at most {limits.MaxOrBranches} alternatives joined by OR.");
                parts.Add(And());
            }
            return string.Join(" OR ", parts);
        }

        private string And()
        {
            var parts = new List<string> { Not() };
            while (true)
            {
                if (IsOperator("AND")) Next();
                else if (!StartsPrimary()) break;
                parts.Add(Not());
            }
            return string.Join(" AND ", parts);
        }

        private string Not()
        {
            var left = Primary();
            while (IsOperator("NOT"))
            {
                Next();
                left = $"{left} NOT {Primary()}";
            }
            return left;
        }

        private bool StartsPrimary() =>
            Peek.Kind is Kind.Word or Kind.Phrase or Kind.Open && !(Peek.Kind == Kind.Word && Peek.Text is "AND" or "OR" or "NOT");

        private string Primary()
        {
            var token = Peek;
            switch (token.Kind)
            {
                case Kind.End:
                    throw new QueryRuleException(_at == 0 ? "it is empty." : "it ends where a word is expected.");
                case Kind.Close:
                    throw new QueryRuleException("'()' holds nothing, or a ')' comes where a word is expected.");
                case Kind.Comma:
                    throw new QueryRuleException("',' only separates the distance in NEAR(words, 10); use OR between alternatives.");
                case Kind.Star:
                    throw new QueryRuleException("'*' must follow a word directly, as in quantiz*.");
                case Kind.Colon:
                    throw new QueryRuleException("':' must follow a column name: title:, abstract: or authors:.");
                case Kind.Word when token.Text is "AND" or "OR" or "NOT":
                    throw new QueryRuleException($"{token.Text} needs a word on each side, as in \"mamba {token.Text} video\".");
                case Kind.Open:
                    return Group();
            }
            Next();
            if (token.Kind == Kind.Word && Peek.Kind == Kind.Colon && Peek.Glued)
            {
                var column = token.Text.ToLowerInvariant();
                if (!Columns.Contains(column))
                    throw new QueryRuleException($"'{token.Text}:' is not a column; search title:, abstract: or authors: (or put the word in quotes).");
                Next();
                if (Peek.Kind is not (Kind.Word or Kind.Phrase or Kind.Open))
                    throw new QueryRuleException($"'{column}:' must be followed by a word, a \"phrase\" or a group in parentheses.");
                return $"{column} : {Primary()}";
            }
            if (token.Kind == Kind.Word && token.Text == "NEAR" && Peek.Kind == Kind.Open) return Near();
            return Phrase(token);
        }

        private string Group()
        {
            Next();
            if (++_depth > limits.MaxDepth) throw new QueryRuleException($"at most {limits.MaxDepth} levels of parentheses.");
            var inner = Or();
            if (Peek.Kind != Kind.Close) throw new QueryRuleException("a '(' is not closed.");
            Next();
            _depth--;
            return $"({inner})";
        }

        private string Near()
        {
            Next();
            var phrases = new List<string>();
            while (Peek.Kind is Kind.Word or Kind.Phrase)
            {
                phrases.Add(Phrase(Next()));
                if (phrases.Count > limits.MaxNearPhrases)
                    throw new QueryRuleException($"at most {limits.MaxNearPhrases} words or phrases in one NEAR(…).");
            }
            if (phrases.Count == 0) throw new QueryRuleException("NEAR(…) needs words or \"phrases\" inside, as in NEAR(sparse attention, 5).");
            var distance = 10;
            if (Peek.Kind == Kind.Comma)
            {
                Next();
                var number = Next();
                if (number.Kind != Kind.Word || !int.TryParse(number.Text, NumberStyles.None, CultureInfo.InvariantCulture, out distance))
                    throw new QueryRuleException("the distance in NEAR(words, N) must be a whole number.");
            }
            if (distance > limits.MaxNearDistance)
                throw new QueryRuleException($"the distance in NEAR(…, N) can be at most {limits.MaxNearDistance}.");
            if (Peek.Kind != Kind.Close) throw new QueryRuleException("NEAR( is not closed: write NEAR(sparse attention, 5).");
            Next();
            return $"NEAR({string.Join(" ", phrases)}, {distance.ToString(CultureInfo.InvariantCulture)})";
        }

        private string Phrase(Token token)
        {
            var words = Words(token.Text);
            if (words.Count == 0)
                throw new QueryRuleException(token.Kind == Kind.Phrase ? "\"\" holds no word." : $"'{token.Text}' holds no letters or digits.");
            _terms += words.Count;
            var quoted = "\"" + token.Text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            if (Peek.Kind != Kind.Star || !Peek.Glued) return quoted;
            Next();
            if (words[^1].Length < limits.MinPrefixLength)
                throw new QueryRuleException($"'{words[^1]}*' is too short: a prefix needs at least {limits.MinPrefixLength} letters before the *.");
            if (++_prefixes > limits.MaxPrefixTerms)
                throw new QueryRuleException($"at most {limits.MaxPrefixTerms} prefix searches (word*) in one search.");
            return quoted + "*";
        }

        /// <summary>The words FTS5's unicode61 tokenizer will see: runs of letters, digits and combining marks.</summary>
        private static List<string> Words(string text)
        {
            var words = new List<string>();
            var word = new StringBuilder();
            foreach (var c in text)
            {
                if (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
                {
                    word.Append(c);
                    continue;
                }
                if (word.Length > 0) words.Add(word.ToString());
                word.Clear();
            }
            if (word.Length > 0) words.Add(word.ToString());
            return words;
        }

        private static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                var glued = i > 0 && !char.IsWhiteSpace(text[i - 1]);
                if (char.IsWhiteSpace(c)) { i++; continue; }
                switch (c)
                {
                    case '(': tokens.Add(new Token(Kind.Open, "(", i, glued)); i++; continue;
                    case ')': tokens.Add(new Token(Kind.Close, ")", i, glued)); i++; continue;
                    case ',': tokens.Add(new Token(Kind.Comma, ",", i, glued)); i++; continue;
                    case '*': tokens.Add(new Token(Kind.Star, "*", i, glued)); i++; continue;
                    case ':': tokens.Add(new Token(Kind.Colon, ":", i, glued)); i++; continue;
                    case '"':
                        var start = i++;
                        var phrase = new StringBuilder();
                        while (true)
                        {
                            if (i >= text.Length)
                                throw new QueryRuleException($"the quote opened at character {start + 1} is not closed: add a closing \".");
                            if (text[i] == '"')
                            {
                                // A doubled quote inside a phrase is a quote character, as in FTS5.
                                if (i + 1 < text.Length && text[i + 1] == '"') { phrase.Append('"'); i += 2; continue; }
                                i++;
                                break;
                            }
                            phrase.Append(text[i++]);
                        }
                        tokens.Add(new Token(Kind.Phrase, phrase.ToString(), start, glued));
                        continue;
                }
                var from = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or ',' or '*' or ':' or '"')) i++;
                tokens.Add(new Token(Kind.Word, text[from..i], from, glued));
            }
            tokens.Add(new Token(Kind.End, "", text.Length, false));
            return tokens;
        }
    }
}
