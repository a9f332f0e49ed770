using MimeKit;

namespace Newsletter.Mail;

/// <summary>Writes each message as an .eml file, atomically (temp file, then rename), named after its Message-ID.</summary>
public sealed class PickupDirectorySession(string folder) : IMailSession
{
    // As SMTP would carry it: CRLF line ends, like the body's bytes.
    private static readonly FormatOptions Wire = new() { NewLineFormat = NewLineFormat.Dos };

    // A local file write: the blocking path serves both.
    public Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(Send(message, envelopeFrom: null, cancellationToken));

    public string Send(MimeMessage message, MailboxAddress? envelopeFrom, CancellationToken cancellationToken)
    {
        var (path, temp) = PathsFor(message);
        using (var stream = File.Create(temp))
        {
            message.WriteTo(Wire, stream, cancellationToken);
        }
        File.Move(temp, path, overwrite: true);
        return "written " + path;
    }

    private (string Path, string Temp) PathsFor(MimeMessage message)
    {
        Directory.CreateDirectory(folder);
        var name = SafeFileName(message.MessageId ?? Guid.NewGuid().ToString("N")) + ".eml";
        return (Path.Combine(folder, name), Path.Combine(folder, "." + name + ".tmp"));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose()
    {
    }

    private static string SafeFileName(string messageId)
    {
        var chars = messageId.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray();
        return new string(chars);
    }
}
