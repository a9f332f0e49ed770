using System.CommandLine;
using Newsletter.Hosting;

namespace Newsletter.Listings;

/// <summary><c>ingest &lt;file-or-url&gt;...</c>: reads listings now and prints one summary line per source.</summary>
public static class IngestCommand
{
    public static Command Create(AppServices host)
    {
        var sources = new Argument<string[]>("sources") { Description = "Listing files or http(s) URLs", Arity = ArgumentArity.OneOrMore };
        var command = new Command("ingest", "Read paper listings and add their new papers") { sources };
        command.SetAction(async (result, cancellationToken) =>
        {
            var ingester = host.Get<ListingIngester>();
            var exitCode = 0;
            foreach (var source in result.GetValue(sources) ?? [])
            {
                try
                {
                    var summary = await ingester.IngestAsync(source, name: null, cancellationToken);
                    foreach (var rejection in summary.Rejections) Console.WriteLine($"rejected {source}: {rejection}");
                    Console.WriteLine(summary);
                }
                catch (Exception e) when (e is ListingFormatException or HttpRequestException or IOException or TaskCanceledException)
                {
                    await Console.Error.WriteLineAsync($"cannot ingest {source}: {e.Message}");
                    exitCode = 1;
                }
            }
            return exitCode;
        });
        return command;
    }
}
