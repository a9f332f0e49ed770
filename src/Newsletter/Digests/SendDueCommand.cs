using System.CommandLine;
using System.Globalization;
using Newsletter.Hosting;

namespace Newsletter.Digests;

/// <summary><c>send-due [--at TIME]</c>: plans and sends every digest due at that time, then exits.</summary>
public static class SendDueCommand
{
    public static Command Create(AppServices host)
    {
        var at = new Option<string>("--at") { Description = "The time to act as of (ISO-8601, e.g. 2026-11-24T08:00:00Z); now by default" };
        var command = new Command("send-due", "Plan and send every digest that is due, then exit") { at };
        command.SetAction(async (result, cancellationToken) =>
        {
            var text = result.GetValue(at);
            DateTimeOffset when;
            if (text is null)
            {
                when = host.Get<TimeProvider>().GetUtcNow();
            }
            else if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out when))
            {
                await Console.Error.WriteLineAsync($"--at: '{text}' is not an ISO-8601 time such as 2026-11-24T08:00:00Z");
                return 2;
            }
            var (planned, sent) = await host.Get<DigestJob>().RunAtAsync(when, cancellationToken);
            Console.WriteLine($"send-due at {when:yyyy-MM-ddTHH:mm:ssZ}: {planned} planned, {sent} sent");
            return 0;
        });
        return command;
    }
}
