using System.Text.RegularExpressions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>Reads smtp-sink's dump folder: which recipients got how many messages (from its X-Rcpt-Args headers).</summary>
internal static partial class SinkDump
{
    /// <summary>Recipient address → number of messages in the dump.</summary>
    public static Dictionary<string, int> CountsByRecipient(SmtpSink sink) => CountsByRecipient(sink.DumpFolder);

    public static Dictionary<string, int> CountsByRecipient(string folder)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.GetFiles(folder, "msg.*"))
        {
            string head;
            using (var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            {
                var buffer = new char[2048];
                head = new string(buffer, 0, reader.ReadBlock(buffer, 0, buffer.Length));
            }
            foreach (Match match in RcptArgs().Matches(head))
            {
                var address = match.Groups[1].Value;
                counts[address] = counts.GetValueOrDefault(address) + 1;
            }
        }
        return counts;
    }

    /// <summary>The envelope sender of every dumped message.</summary>
    public static List<string> EnvelopeSenders(SmtpSink sink) =>
        sink.Messages().Select(f => MailArgs().Match(File.ReadAllText(f)).Groups[1].Value).ToList();

    [GeneratedRegex(@"^X-Rcpt-Args: <([^>]*)>", RegexOptions.Multiline)]
    private static partial Regex RcptArgs();

    [GeneratedRegex(@"^X-Mail-Args: <([^>]*)>", RegexOptions.Multiline)]
    private static partial Regex MailArgs();
}
