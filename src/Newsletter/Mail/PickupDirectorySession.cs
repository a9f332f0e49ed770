using MimeKit;

namespace Newsletter.Mail;

/// <summary>Writes each message as an .eml file, atomically (temp file, then rename), named after its Message-ID.</summary>
public sealed class PickupDirectorySession(string folder) : IMailSession
{
    // As SMTP would carry it: CRLF line ends, like the body's bytes.
    private static readonly FormatOptions Wire = new() { NewLineFormat = NewLineFormat.Dos };

    public async Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var name = SafeFileName(message.MessageId ?? Guid.NewGuid().ToString("N")) + ".eml";
        var path = Path.Combine(folder, name);
        var temp = Path.Combine(folder, "." + name + ".tmp");
        await using (var stream = File.Create(temp))
        {
            await message.WriteToAsync(Wire, stream, cancellationToken);
        }
        File.Move(temp, path, overwrite: true);
        return "written " + path;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string SafeFileName(string messageId)
    {
        var chars = messageId.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray();
        return new string(chars);
    }
}
