using System.CommandLine;
using Newsletter.Foundation;
using Newsletter.Matching;

namespace Newsletter.Subscriptions;

/// <summary>
/// <c>subscribers import &lt;file.csv&gt;</c> and <c>subscribers export</c>: move subscriber lists in and out. Columns:
/// email, topics, keywords (lists separated by ';'), frequency, weekday, timezone, hour, order; export adds state.
/// </summary>
public static class SubscribersCommand
{
    private static readonly string[] Columns = ["email", "topics", "keywords", "frequency", "weekday", "timezone", "hour", "order"];

    public static Command Create(AppServices host)
    {
        var file = new Argument<FileInfo>("file") { Description = "A CSV file with a header row: email, topics, keywords, frequency, weekday, timezone, hour, order" };
        var import = new Command("import", "Import subscribers as confirmed (the operator vouches for their consent); bad rows are reported by line, addresses that unsubscribed are skipped") { file };
        import.SetAction(result => Import(host, result.GetValue(file)!));

        var export = new Command("export", "Print every subscriber as CSV (the import columns plus state) to standard output");
        export.SetAction(_ => Export(host));

        return new Command("subscribers", "Import or export the subscriber list") { import, export };
    }

    private static int Import(AppServices host, FileInfo file)
    {
        if (!file.Exists)
        {
            Console.Error.WriteLine($"cannot import {file.FullName}: no such file");
            return ExitCodes.Failed;
        }
        var validator = host.Get<SubscriptionValidator>();
        var store = host.Get<SubscriberStore>();
        var now = host.Get<TimeProvider>().GetUtcNow();
        int imported = 0, skipped = 0, rejected = 0;
        Dictionary<string, int>? header = null;
        using var reader = file.OpenText();
        foreach (var (line, fields) in SubscriberCsv.Read(reader))
        {
            if (header is null)
            {
                header = HeaderColumns(fields);
                if (!header.ContainsKey("email"))
                {
                    Console.Error.WriteLine($"cannot import {file.Name}: line {line}: the header row needs an 'email' column (columns: {string.Join(", ", Columns)})");
                    return ExitCodes.Failed;
                }
                continue;
            }
            var input = RowInput(header, fields);
            var validation = validator.Validate(input);
            if (!validation.IsValid)
            {
                rejected++;
                var problems = validation.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}");
                Console.WriteLine($"line {line}: rejected {input.Email?.Trim()}: {string.Join("; ", problems)}");
                continue;
            }
            var subscriber = store.ImportConfirmed(validation.Request.Email, validation.Request, now, s => DigestSchedule.NextDue(s.Schedule, now));
            if (subscriber is null)
            {
                // Not a fault in the file: the reader said stop (or their mailbox refused us), and an old list must
                // not overrule that. Only they can come back, through a confirmation link.
                skipped++;
                var reason = store.FindByEmail(validation.Request.Email)?.State == SubscriberStates.Suppressed
                    ? "this address was suppressed after its mail server refused our email"
                    : "this address unsubscribed";
                Console.WriteLine($"line {line}: skipped {validation.Request.Email}: {reason}; only its owner can subscribe it again");
                continue;
            }
            imported++;
        }
        Console.WriteLine($"imported {imported}, skipped {skipped}, rejected {rejected}");
        return rejected == 0 ? 0 : 1;
    }

    /// <summary>Each column's index by its name (trimmed, lower case; the first of a repeated name).</summary>
    private static Dictionary<string, int> HeaderColumns(IReadOnlyList<string> fields) =>
        fields.Select((name, index) => (Name: name.Trim().ToLowerInvariant(), index))
            .GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().index);

    /// <summary>One row's cells as a subscription request; a column the file lacks is left out.</summary>
    private static SubscriptionInput RowInput(Dictionary<string, int> header, IReadOnlyList<string> fields)
    {
        // Cells come back as exported: a leading quote (the export's formula escape) is dropped.
        string? Field(string name) => header.TryGetValue(name, out var index) && index < fields.Count ? SubscriberCsv.Unescape(fields[index]) : null;
        IReadOnlyList<string> List(string name) =>
            (Field(name) ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new SubscriptionInput
        {
            Email = Field("email"),
            Topics = List("topics"),
            Keywords = List("keywords"),
            Frequency = Field("frequency"),
            Weekday = Field("weekday"),
            Hour = Field("hour"),
            Timezone = Field("timezone"),
            Order = Field("order"),
        };
    }

    private static int Export(AppServices host)
    {
        var store = host.Get<SubscriberStore>();
        var output = Console.Out;
        output.WriteLine(SubscriberCsv.Line([.. Columns, "state"]));
        foreach (var (subscriber, filters) in store.All())
        {
            output.WriteLine(SubscriberCsv.Line(
            [
                subscriber.Email,
                string.Join(";", filters.Where(f => f.Kind == SubscriberFilter.Topic).Select(f => f.Value)),
                string.Join(";", filters.Where(f => f.Kind == SubscriberFilter.Keyword).Select(f => f.Value)),
                subscriber.Frequency,
                subscriber.Weekday.ToString(System.Globalization.CultureInfo.InvariantCulture),
                subscriber.Timezone,
                subscriber.Hour.ToString(System.Globalization.CultureInfo.InvariantCulture),
                subscriber.DigestOrder,
                subscriber.State,
            ]));
        }
        return 0;
    }
}
