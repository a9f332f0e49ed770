namespace Newsletter.Benchmarks.Harness;

/// <summary>Prints each scenario's result line and appends it as a row to the results table of BENCHMARKS.md.</summary>
public sealed class ResultsTable(BenchOptions options)
{
    private readonly string _date = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    private readonly string _machine = Machine.Describe();

    /// <summary>Prints <paramref name="line"/> and records a row; <paramref name="met"/> is null when there is no target.</summary>
    public void Record(string scenario, string size, string line, string target, bool? met)
    {
        Console.WriteLine(line);
        if (options.Results is null) return;
        var verdict = met switch { true => "met", false => "**missed**", null => "–" };
        var row = string.Join(" | ", _date, options.RunKind, scenario, size, Cell(line), target, verdict, _machine, options.Label);
        File.AppendAllText(options.Results, $"| {row} |{Environment.NewLine}");
    }

    private static string Cell(string text) => text.Replace("|", "\\|").ReplaceLineEndings(" ");
}
