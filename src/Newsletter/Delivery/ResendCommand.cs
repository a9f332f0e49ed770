using System.CommandLine;
using Newsletter.Digests;
using Newsletter.Foundation;

namespace Newsletter.Delivery;

/// <summary><c>resend --state unknown|failed [--since TIME]</c>: puts those rows back to pending for the next send.</summary>
public static class ResendCommand
{
    public static Command Create(AppServices host)
    {
        var state = ChoiceOption.Create("--state", "Which rows", [DeliveryStates.Unknown, DeliveryStates.Failed]);
        var since = TimeOption.Create("--since", "Only rows that reached that state at or after this time (ISO-8601)");
        var command = new Command("resend", "Put unknown or failed deliveries back to pending; the next send-due or scheduled run sends them")
        {
            state, since,
        };
        command.SetAction(result =>
        {
            var which = result.GetValue(state)!;
            var (resent, skipped) = host.Get<DeliveryStore>().Resend(which, result.GetValue(since), host.Get<TimeProvider>().GetUtcNow());
            Console.WriteLine($"resend: {resent} {which} deliveries back to pending" +
                              (skipped > 0 ? $"; {skipped} left {which} because the reader is no longer subscribed" : ""));
            return 0;
        });
        return command;
    }
}
