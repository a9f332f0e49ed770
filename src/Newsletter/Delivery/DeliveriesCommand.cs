using System.CommandLine;
using System.Globalization;
using Newsletter.Digests;
using Newsletter.Foundation;

namespace Newsletter.Delivery;

/// <summary><c>deliveries</c>: the ledger at a glance: rows per day and state, the unknown and failed rows, then the latest bounce events.</summary>
public static class DeliveriesCommand
{
    private static readonly string[] States =
        [DeliveryStates.Pending, DeliveryStates.Sending, DeliveryStates.Sent, DeliveryStates.Retry, DeliveryStates.Failed, DeliveryStates.Unknown];

    public static Command Create(AppServices host)
    {
        var days = new Option<int>("--days") { Description = "How many planning days to count (newest first)", DefaultValueFactory = _ => 14 };
        var limit = new Option<int>("--limit") { Description = "Most unknown and failed rows to list, each", DefaultValueFactory = _ => 50 };
        var command = new Command("deliveries", "Show the delivery ledger: counts by day and state, and the unknown and failed rows") { days, limit };
        command.SetAction(result =>
        {
            var ledger = host.Get<DeliveryCountStore>();
            var counts = ledger.CountsByDay(Math.Max(1, result.GetValue(days)));
            Console.WriteLine("day (planned, UTC) " + string.Concat(States.Select(s => s.PadLeft(9))));
            foreach (var day in counts.GroupBy(c => c.Day))
            {
                var byState = day.ToDictionary(c => c.State, c => c.Count);
                Console.WriteLine(day.Key.PadRight(18) + " " + string.Concat(States.Select(s => byState.GetValueOrDefault(s).ToString(CultureInfo.InvariantCulture).PadLeft(9))));
            }
            if (counts.Count == 0) Console.WriteLine("(no deliveries yet)");
            foreach (var state in new[] { DeliveryStates.Unknown, DeliveryStates.Failed })
            {
                var total = ledger.CountInState(state);
                var rows = ledger.InState(state, Math.Max(1, result.GetValue(limit)));
                Console.WriteLine();
                Console.WriteLine($"{state}: {total}" + (state == DeliveryStates.Unknown && total > 0
                    ? " (the server may have these; `resend --state unknown` sends them again)" : ""));
                foreach (var row in rows)
                {
                    Console.WriteLine($"  #{row.Id} {row.Email} {row.PeriodKey} attempts {row.Attempts} at " +
                                      $"{row.UpdatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}: {OneLine(row.LastError)}");
                }
                if (total > rows.Count) Console.WriteLine($"  ... and {total - rows.Count} more (use --limit)");
            }
            // Bounces that arrive after the server took a digest leave its row 'sent': they are listed here.
            var events = host.Get<BounceStore>().Recent(null, Math.Max(1, result.GetValue(limit)));
            Console.WriteLine();
            Console.WriteLine(events.Count == 0 ? "bounces and complaints: none" : "bounces and complaints (newest first; `bounces` for more):");
            foreach (var e in events) Console.WriteLine("  " + BounceEventText.Line(e));
            return 0;
        });
        return command;
    }

    private static string OneLine(string? text) => (text ?? "").ReplaceLineEndings(" ");
}
