using Newsletter.Benchmarks.Harness;
using Newsletter.Benchmarks.Scenarios;

namespace Newsletter.Benchmarks;

/// <summary>
/// Benchmark harness: <c>run</c> measures every scenario (tests/bench.sh starts it); the child verbs each measure one
/// thing in a process of their own; <c>micro</c> runs the BenchmarkDotNet micro-benchmarks; <c>free-port</c> helps the script.
/// </summary>
/// <remarks>Not top-level statements: the app's own <c>Program</c> is the type WebApplicationFactory starts.</remarks>
public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        var verb = args.Length > 0 ? args[0] : "run";
        var rest = args.Skip(1).ToList();
        try
        {
            return verb switch
            {
                "run" => await BenchRun.RunAsync(BenchOptions.Parse(rest)),
                IngestScenario.Verb => await IngestScenario.ChildAsync(new ChildArguments(rest)),
                HostileXmlScenario.Verb => await HostileXmlScenario.ChildAsync(new ChildArguments(rest)),
                PlanScenario.Verb => await PlanScenario.ChildAsync(new ChildArguments(rest)),
                SendScenario.Verb => await SendScenario.ChildAsync(new ChildArguments(rest)),
                SendingNodes.Verb => await SendingNodes.ChildAsync(new ChildArguments(rest)),
                MicroScenario.Verb => MicroScenario.Run(new ChildArguments(rest)),
                ForYouScenario.Verb => ForYouScenario.Child(rest),
                PageReadScenario.Verb => PageReadScenario.Child(new ChildArguments(rest)),
                "free-port" => FreePort(),
                _ => Usage(),
            };
        }
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException))
        {
            await Console.Error.WriteLineAsync("bench: " + e.Message);
            return 2;
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        Console.WriteLine(((System.Net.IPEndPoint)listener.LocalEndpoint).Port);
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine(
            """
            usage: Newsletter.Benchmarks run [--quick] --work DIR --sink HOST:PORT [--sink-pid PID] [--results FILE]
                                             [--connections N] [--digests N] [--only for-you,hostile-xml,plan,plan-marks,query,preview-windows,micro,send,admin,pg-plan,pg-send,pg-web] [--label TEXT]
                   Newsletter.Benchmarks micro [--repo DIR] [--work DIR]
            tests/bench.sh runs it with a temporary folder and its own smtp-sink; see tests/BENCHMARKS.md.
            """);
        return 2;
    }
}
