using System.CommandLine;
using Newsletter.Foundation;

namespace Newsletter.Web;

/// <summary>
/// <c>admin password [--stdin]</c>: sets a new operator password, kept hashed in the database. It makes a random
/// one and prints it, or takes the first line of standard input with <c>--stdin</c> (and prints nothing secret).
/// </summary>
public static class AdminCommand
{
    public static Command Create(AppServices host)
    {
        var fromStdin = new Option<bool>("--stdin") { Description = "Read the new password from the first line of standard input instead of making one" };
        var password = new Command("password", "Set a new operator password for /hangfire (made at random and printed, or read with --stdin)") { fromStdin };
        password.SetAction(async result =>
        {
            var credential = host.Get<OperatorCredential>();
            if (credential.ConfiguredIn is { } key)
            {
                await Console.Error.WriteLineAsync($"newsletter: the operator password is set by {key}, which wins; change or clear it there");
                return ExitCodes.Failed;
            }
            var chosen = result.GetValue(fromStdin) ? (await Console.In.ReadLineAsync())?.TrimEnd('\r') ?? "" : OperatorCredential.NewPassword();
            if (chosen.Length < OperatorCredential.MinimumLength || chosen.Any(char.IsControl))
            {
                await Console.Error.WriteLineAsync($"newsletter: the password needs at least {OperatorCredential.MinimumLength} characters and no control characters");
                return ExitCodes.Failed;
            }
            credential.SetPassword(chosen);
            Console.WriteLine(result.GetValue(fromStdin)
                ? $"admin password: set for user {credential.User}"
                : $"admin password: set for user {credential.User}: {chosen}");
            return 0;
        });
        return new Command("admin", "Operator access") { password };
    }
}
