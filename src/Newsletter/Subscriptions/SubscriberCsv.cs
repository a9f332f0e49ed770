using System.Text;

namespace Newsletter.Subscriptions;

/// <summary>
/// Just enough RFC 4180 for subscriber lists: comma separated, fields optionally in double quotes (a quote inside
/// doubled), quoted fields may span lines. Each record carries the line it starts on, for error messages.
/// </summary>
public static class SubscriberCsv
{
    /// <summary>The records of a CSV text with the 1-based line each starts on; blank lines are skipped.</summary>
    public static IEnumerable<(int Line, IReadOnlyList<string> Fields)> Read(TextReader reader)
    {
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var start = line;
            if (text.Length == 0) continue;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var i = 0;
            while (true)
            {
                if (i >= text.Length)
                {
                    if (quoted && reader.ReadLine() is { } next)
                    {
                        line++;
                        field.Append('\n');
                        text = next;
                        i = 0;
                        continue;
                    }
                    break;
                }
                var c = text[i++];
                if (quoted)
                {
                    if (c == '"' && i < text.Length && text[i] == '"') { field.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else field.Append(c);
                }
                else if (c == '"' && field.Length == 0) quoted = true;
                else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
                else field.Append(c);
            }
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }

    /// <summary>One CSV line from the fields, each escaped for spreadsheets and quoted when it needs it.</summary>
    public static string Line(IEnumerable<string> fields) => string.Join(",", fields.Select(f => Quote(Escape(f))));

    /// <summary>
    /// A cell a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR)
    /// gets a leading single quote, as spreadsheet guidance says; so does one already starting with a quote, so that
    /// <see cref="Unescape"/> gives back exactly what was exported (<c>-bob@example.org</c> is a valid address).
    /// </summary>
    public static string Escape(string cell) =>
        cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'' ? "'" + cell : cell;

    /// <summary>Undoes <see cref="Escape"/>: a leading single quote is dropped.</summary>
    public static string Unescape(string cell) => cell.StartsWith('\'') ? cell[1..] : cell;

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 || field.StartsWith(' ') || field.EndsWith(' ')
            ? "\"" + field.Replace("\"", "\"\"") + "\""
            : field;
}
