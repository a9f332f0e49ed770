using System.CommandLine;
using System.Globalization;
using Newsletter.Digests;
using Newsletter.Foundation;
using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary><c>preview --email ADDRESS [--at TIME]</c>: prints a reader's next digest as text; changes nothing.</summary>
public static class PreviewCommand
{
    public static Command Create(AppServices host)
    {
        var email = new Option<string>("--email") { Description = "The reader's email address", Required = true };
        var at = TimeOption.Create("--at", "Preview as of this time (ISO-8601); now by default");
        var command = new Command("preview", "Print a reader's next digest as text, without sending or changing anything") { email, at };
        command.SetAction(async (result, cancellationToken) =>
        {
            var when = result.GetValue(at) ?? host.Get<TimeProvider>().GetUtcNow();
            var address = result.GetValue(email)!;
            var normalized = EmailAddressNormalizer.TryNormalize(address, out _);
            var subscriber = normalized is null ? null : host.Get<SubscriberStore>().FindByEmail(normalized);
            if (subscriber is null)
            {
                await Console.Error.WriteLineAsync($"--email: no reader with the address '{address}'");
                return ExitCodes.UsageError;
            }
            var filters = host.Get<SubscriberStore>().Filters(subscriber.Id);
            var digest = host.Get<DigestPlanner>().Preview(subscriber, filters, when);
            var rendered = host.Get<DigestComposer>().Preview(subscriber, digest);
            var state = subscriber.State == SubscriberStates.Confirmed
                ? $"due {digest.PreviousDueAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}"
                : $"not sent: the reader is {subscriber.State}";
            Console.WriteLine($"To: {subscriber.Email} ({state})");
            Console.WriteLine($"Subject: {rendered.Subject}");
            Console.WriteLine();
            Console.Write(rendered.Text);
            return 0;
        });
        return command;
    }
}
