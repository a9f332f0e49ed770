using System.Text.Json;

namespace Newsletter.Benchmarks.Harness;

/// <summary>How a child verb reports its measurement: one <c>RESULT {json}</c> line on standard output.</summary>
public static class ChildResult
{
    public static void Print(object result) =>
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
}
