using System.Globalization;
using Scriban.Runtime;

namespace Newsletter.Admin;

/// <summary>
/// The geometry of a server-drawn line chart over days: axes, ticks, one polyline per series and optional
/// reference lines. The template (<c>web/admin/_chart.html.sbn</c>) only places what this computes, so the page
/// needs no script and the numbers stay beside it in a table.
/// </summary>
public static class SvgChart
{
    private const double Width = 560, Height = 250, Left = 64, Right = 30, Top = 14, Bottom = 46;
    private const double PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;
    private const int YTicks = 4, XLabels = 6;

    /// <summary>
    /// A chart of <paramref name="series"/> over <paramref name="days"/> (<c>yyyy-MM-dd</c>). Values are counts, or
    /// fractions shown as percentages when <paramref name="percent"/>; <paramref name="lines"/> are dashed
    /// reference values (e.g. a complaint ceiling).
    /// </summary>
    public static ScriptObject Lines(string id, string title, string yLabel, IReadOnlyList<string> days, IReadOnlyList<ChartSeries> series,
        bool percent = false, IReadOnlyList<(double Value, string Label)>? lines = null)
    {
        lines ??= [];
        var highest = series.SelectMany(s => s.Values).Concat(lines.Select(l => l.Value)).DefaultIfEmpty(0).Max();
        var step = NiceStep(highest, percent);
        var top = step * YTicks;
        double X(int i) => days.Count <= 1 ? Left + PlotWidth / 2 : Left + i * PlotWidth / (days.Count - 1);
        double Y(double v) => Top + PlotHeight - Math.Min(v, top) / top * PlotHeight;
        string Label(double v) => percent ? Percent(v) : v.ToString("#,0.##", CultureInfo.InvariantCulture);

        var every = Math.Max(1, (int)Math.Ceiling(days.Count / (double)XLabels));
        return new ScriptObject
        {
            ["id"] = id,
            ["title"] = title,
            ["y_label"] = yLabel,
            ["x_label"] = "Day (UTC)",
            ["width"] = Width,
            ["height"] = Height,
            ["left"] = Left,
            ["right"] = Width - Right,
            ["top"] = Top,
            ["bottom"] = Top + PlotHeight,
            ["tick_label_x"] = Left - 6,
            ["x_tick_y"] = Top + PlotHeight + 18,
            ["y_label_at"] = $"translate(12 {Round(Top + PlotHeight / 2)}) rotate(-90)",
            ["x_label_x"] = Round(Left + PlotWidth / 2),
            ["x_label_y"] = Height - 6,
            ["y_ticks"] = Enumerable.Range(0, YTicks + 1)
                .Select(i => new ScriptObject { ["y"] = Round(Y(i * step)), ["label_y"] = Round(Y(i * step) + 4), ["label"] = Label(i * step) }).ToList(),
            // Counted back from the newest day, which is always labelled.
            ["x_ticks"] = days.Select((day, i) => (day, i)).Where(d => (days.Count - 1 - d.i) % every == 0)
                .Select(d => new ScriptObject { ["x"] = Round(X(d.i)), ["label"] = ShortDay(d.day) }).ToList(),
            ["series"] = series.Select(s => new ScriptObject
            {
                ["label"] = s.Label,
                ["css"] = s.Css,
                ["points"] = string.Join(' ', s.Values.Select((v, i) => $"{Round(X(i))},{Round(Y(v))}")),
                // A single day has no line to draw, so each point is also a dot.
                ["dots"] = days.Count <= 1 ? s.Values.Select((v, i) => new ScriptObject { ["x"] = Round(X(i)), ["y"] = Round(Y(v)) }).ToList() : [],
            }).ToList(),
            ["lines"] = ReferenceLines(lines, Y),
            ["rows"] = days.Select((day, i) => new ScriptObject
            {
                ["day"] = day,
                ["values"] = series.Select(s => Label(s.Values[i])).ToList(),
            }).Reverse().ToList(),
            ["labels"] = series.Select(s => s.Label).ToList(),
            ["empty"] = days.Count == 0,
        };
    }

    // Lines closer than a text line to the one above share its label, so labels never print over each other.
    private static List<ScriptObject> ReferenceLines(IReadOnlyList<(double Value, string Label)> lines, Func<double, double> y)
    {
        var drawn = new List<ScriptObject>();
        ScriptObject? labelled = null;
        var labelledAt = 0.0;
        foreach (var line in lines.OrderBy(l => l.Value))
        {
            var at = y(line.Value);
            var model = new ScriptObject { ["y"] = Round(at), ["label_y"] = Round(at - 4), ["label"] = line.Label };
            if (labelled is not null && labelledAt - at < 16)
            {
                labelled["label"] = $"{labelled["label"]}; {line.Label}";
                model["label"] = "";
            }
            else
            {
                (labelled, labelledAt) = (model, at);
            }
            drawn.Add(model);
        }
        return drawn;
    }

    /// <summary>A fraction as a percentage with as many decimals as small rates need (0.3%, 0.05%).</summary>
    public static string Percent(double fraction) =>
        (fraction * 100).ToString(fraction is > 0 and < 0.001 ? "0.###" : "0.##", CultureInfo.InvariantCulture) + "%";

    // A step of 1, 2 or 5 times a power of ten whose four ticks cover the highest value (counts: whole numbers).
    private static double NiceStep(double highest, bool percent)
    {
        var minimum = percent ? 0.0005 : 1;
        var raw = Math.Max(highest, minimum * YTicks) / YTicks;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * power).First(s => s >= raw - 1e-12);
        return percent ? step : Math.Max(1, Math.Ceiling(step));
    }

    private static string ShortDay(string day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("d MMM", CultureInfo.InvariantCulture) : day;

    private static string Round(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
