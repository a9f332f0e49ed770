using System.CommandLine;
using System.Globalization;

namespace Newsletter.Foundation;

/// <summary>
/// A verb's time option (<c>--at</c>, <c>--since</c>): ISO-8601, UTC unless it says otherwise. A value that is not a
/// time is a usage error naming the option (exit code 2), refused before the verb runs.
/// </summary>
public static class TimeOption
{
    /// <summary>The option; its value is null when it is not given.</summary>
    public static Option<DateTimeOffset?> Create(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
                return when;
            result.AddError($"{name}: '{text}' is not an ISO-8601 time such as 2026-11-24T08:00:00Z");
            return null;
        },
    };
}
