using System.CommandLine;

namespace Newsletter.Foundation;

/// <summary>
/// A verb's option that takes one of a few names (<c>--state unknown|failed</c>, <c>--format hf-json</c>), in any
/// case; its value is the name as listed. Any other value is a usage error naming the option and the choices
/// (exit code 2), refused before the verb runs.
/// </summary>
public static class ChoiceOption
{
    /// <summary>The option; its value is null when it is not given and has no default.</summary>
    public static Option<string> Create(string name, string description, IReadOnlyList<string> choices, string? defaultChoice = null)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            Required = defaultChoice is null,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                var choice = choices.FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase));
                if (choice is null) result.AddError($"{name}: '{text}' is not one of {string.Join(", ", choices)}");
                return choice;
            },
        };
        if (defaultChoice is not null) option.DefaultValueFactory = _ => defaultChoice;
        // Listed in the help text as the parser's own choices would be.
        option.HelpName = string.Join('|', choices);
        return option;
    }
}
