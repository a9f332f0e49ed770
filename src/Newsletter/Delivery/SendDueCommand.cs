using System.CommandLine;
using System.Globalization;
using Newsletter.Digests;
using Newsletter.Foundation;
using Newsletter.Listings;

namespace Newsletter.Delivery;

/// <summary>
/// <c>send-due [--at TIME] [--dry-run]</c>: sends the confirmation emails waiting, plans and sends every digest due at
/// that time, then exits.
/// </summary>
public static class SendDueCommand
{
    public static Command Create(AppServices host)
    {
        var at = TimeOption.Create("--at", "The time to act as of (ISO-8601, e.g. 2026-11-24T08:00:00Z); now by default");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print who would get which papers, without sending or changing anything" };
        var command = new Command("send-due", "Plan and send every digest that is due, then exit") { at, dryRun };
        command.SetAction(async (result, cancellationToken) =>
        {
            var when = result.GetValue(at) ?? host.Get<TimeProvider>().GetUtcNow();
            var stamp = when.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            if (result.GetValue(dryRun))
            {
                var papers = host.Get<PaperStore>();
                var run = host.Get<DigestPlanner>().Run(when, dryRun: true, (reader, digest) => PrintDigest(papers, reader.Email, digest));
                Console.WriteLine($"send-due at {stamp} (dry run): {run.Planned} would be sent, {run.Empty} empty, " +
                                  $"{run.Readers} due readers, {run.DistinctFilters} distinct filters over {run.WindowPapers} papers");
                return 0;
            }
            // Confirmation emails waiting in the outbox go too (a process without the job server leaves them here).
            var confirmations = await host.Get<ConfirmationSender>().SendDueAsync(when, cancellationToken);
            if (confirmations > 0) Console.WriteLine($"send-due at {stamp}: {confirmations} confirmation emails sent");
            var (planned, sent) = await host.Get<DigestJob>().RunAtAsync(when, cancellationToken);
            Console.WriteLine($"send-due at {stamp}: {planned} planned, {sent} sent");
            return 0;
        });
        return command;
    }

    private static void PrintDigest(PaperStore papers, string email, PlannedDigest digest)
    {
        if (digest.Items.Count == 0)
        {
            Console.WriteLine($"{email} {digest.PeriodKey}: no new papers");
            return;
        }
        Console.WriteLine($"{email} {digest.PeriodKey}: {digest.Items.Count} {(digest.Items.Count == 1 ? "paper" : "papers")}");
        var titles = papers.Get(digest.Items.Select(i => i.Paper).ToList()).ToDictionary(p => p.Id, p => p.Title);
        foreach (var item in digest.Items)
            Console.WriteLine($"  - {titles.GetValueOrDefault(item.Paper, $"paper {item.Paper}")} [{string.Join(", ", item.Labels)}]");
    }
}
