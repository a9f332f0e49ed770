using System.CommandLine;
using System.Globalization;
using Newsletter.Delivery;
using Newsletter.Foundation;

namespace Newsletter.Bounces;

/// <summary>
/// <c>bounces</c>: recent events by kind and the messages that could not be read; <c>bounces import</c>: reports from
/// files or stdin (an MTA pipe); <c>bounces check</c>: poll the bounce mailbox once.
/// </summary>
public static class BouncesCommand
{
    public static Command Create(AppServices host)
    {
        var days = new Option<int>("--days") { Description = "Days the counts cover", DefaultValueFactory = _ => 30 };
        var limit = new Option<int>("--limit") { Description = "Most events and unread messages to list", DefaultValueFactory = _ => 50 };
        var command = new Command("bounces", "Show recent bounces and complaints by kind, and the messages that could not be read")
        {
            ImportCommand(host), CheckCommand(host), days, limit,
        };
        command.SetAction(result => List(host, Math.Max(1, result.GetValue(days)), Math.Max(1, result.GetValue(limit))));
        return command;
    }

    private static Command ImportCommand(AppServices host)
    {
        var files = new Argument<string[]>("file") { Description = "Messages (.eml) to read; '-' reads one from standard input", Arity = ArgumentArity.OneOrMore };
        var import = new Command("import", "Read bounce reports, complaints and automatic replies from files or one from stdin; exit 1 when any could not be read") { files };
        import.SetAction((result, cancellationToken) => ImportAsync(host, result.GetValue(files)!, cancellationToken));
        return import;
    }

    private static Command CheckCommand(AppServices host)
    {
        var check = new Command("check", "Poll the bounce mailbox (Bounces:Mailbox) once and process what is there");
        check.SetAction((_, cancellationToken) => CheckAsync(host, cancellationToken));
        return check;
    }

    private static async Task<int> ImportAsync(AppServices host, string[] files, CancellationToken cancellationToken)
    {
        var processor = host.Get<BounceProcessor>();
        var unread = 0;
        foreach (var file in files)
        {
            ProcessedMessage processed;
            if (file == "-")
            {
                await using var stdin = Console.OpenStandardInput();
                processed = await processor.ProcessAsync(stdin, BounceSources.Pipe, "stdin", cancellationToken);
            }
            else if (!File.Exists(file))
            {
                Console.WriteLine($"{file}: cannot read: no such file");
                unread++;
                continue;
            }
            else
            {
                await using var stream = File.OpenRead(file);
                processed = await processor.ProcessAsync(stream, BounceSources.Pipe, Path.GetFileName(file), cancellationToken);
            }
            Console.WriteLine(processed.Line);
            if (!processed.Parsed) unread++;
        }
        return unread == 0 ? 0 : ExitCodes.Failed;
    }

    private static async Task<int> CheckAsync(AppServices host, CancellationToken cancellationToken)
    {
        var mailbox = host.Get<BounceMailbox>();
        var result = await mailbox.PollAsync(cancellationToken);
        foreach (var line in result.Lines) Console.WriteLine(line);
        Console.WriteLine(result.Summary);
        return result.Error is null && result.Unread == 0 ? 0 : ExitCodes.Failed;
    }

    private static int List(AppServices host, int days, int limit)
    {
        var store = host.Get<BounceStore>();
        var since = host.Get<TimeProvider>().GetUtcNow().AddDays(-days);
        var counts = store.CountsByKind(since);
        var sent = store.SentSince(since);
        var complaints = counts.GetValueOrDefault(BounceKinds.Complaint);
        var rate = sent == 0 ? "no digests sent" : $"{(complaints * 100.0 / sent).ToString("0.00", CultureInfo.InvariantCulture)}% of {sent} digests sent";
        Console.WriteLine($"last {days} days: " + string.Join(", ", Kinds.Select(k => $"{k} {counts.GetValueOrDefault(k)}")) + $"; complaint rate {rate}");
        Console.WriteLine();
        var events = store.Recent(null, limit).Where(e => e.Kind != BounceKinds.Unparsed).ToList();
        Console.WriteLine(events.Count == 0 ? "recent events: none" : "recent events:");
        foreach (var e in events) Console.WriteLine("  " + BounceEventText.Line(e));
        var unparsed = store.Recent(BounceKinds.Unparsed, limit);
        Console.WriteLine();
        Console.WriteLine($"messages that could not be read: {counts.GetValueOrDefault(BounceKinds.Unparsed)} in the last {days} days" +
                          (unparsed.Count > 0 ? " (kept in the mailbox, or the file given)" : ""));
        foreach (var e in unparsed) Console.WriteLine("  " + BounceEventText.Line(e));
        return 0;
    }

    private static readonly string[] Kinds =
        [BounceKinds.Hard, BounceKinds.Soft, BounceKinds.Complaint, BounceKinds.Blocked, BounceKinds.Notice, BounceKinds.AutoReply, BounceKinds.Unparsed];
}
