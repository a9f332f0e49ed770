namespace Newsletter.Admin;

/// <summary>One line of a chart: its legend label, its colour's CSS class, and one value per day.</summary>
public sealed record ChartSeries(string Label, string Css, IReadOnlyList<double> Values);
