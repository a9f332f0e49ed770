using System.CommandLine;
using Newsletter.Foundation;

namespace Newsletter.Listings;

/// <summary><c>ingest &lt;file-or-url&gt;... [--format f]</c>: reads listings now and prints one summary line per source.</summary>
public static class IngestCommand
{
    public static Command Create(AppServices host)
    {
        var sources = new Argument<string[]>("sources") { Description = "Listing files or http(s) URLs ({date} = today's UTC date)", Arity = ArgumentArity.OneOrMore };
        var format = ChoiceOption.Create("--format", "Format of every source; auto detects it from the content", ListingFormats.Names, defaultChoice: "auto");
        var command = new Command("ingest", "Read paper listings and add their new papers") { sources, format };
        command.SetAction(async (result, cancellationToken) =>
        {
            var ingester = host.Get<ListingIngester>();
            var listingFormat = ListingFormats.Parse(result.GetValue(format));
            var exitCode = 0;
            foreach (var source in result.GetValue(sources) ?? [])
            {
                try
                {
                    var summary = await ingester.IngestAsync(source, name: null, listingFormat, cancellationToken);
                    foreach (var rejection in summary.Rejections) Console.WriteLine($"rejected {source}: {rejection}");
                    if (summary.Rejections.Total > summary.Rejections.Count)
                        Console.WriteLine($"rejected {source}: {summary.Rejections.Total - summary.Rejections.Count} more not shown");
                    Console.WriteLine(summary);
                }
                catch (UnreadableListingException e)
                {
                    // The source could not be read at all; the others still are, and the exit code tells the caller.
                    await Console.Error.WriteLineAsync($"cannot ingest {source}: {e.Message}");
                    exitCode = 1;
                }
            }
            return exitCode;
        });
        return command;
    }
}
