using System.Globalization;

namespace Newsletter.Benchmarks.Harness;

/// <summary>Numbers as the result lines show them: thousands separated, invariant culture.</summary>
public static class Format
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(double value, int decimals = 0) =>
        value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Seconds(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " s";

    public static string Mb(double value) => value.ToString("0", CultureInfo.InvariantCulture) + " MB";
}
