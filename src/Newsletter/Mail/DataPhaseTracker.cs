using MailKit;

namespace Newsletter.Mail;

/// <summary>
/// Watches one SMTP conversation to learn whether the current message's data has started to go out (the server
/// answered DATA with 354, or the client sent BDAT). MailKit does not say at which step a connection broke;
/// this does, so a drop before the data is a safe retry and a drop after it is "the server may have it".
/// </summary>
internal sealed class DataPhaseTracker : IProtocolLogger
{
    private bool _serverAtLineStart = true;
    private bool _clientAtLineStart = true;

    /// <summary>True once the data of the current message may have reached the server.</summary>
    public bool DataStarted { get; private set; }

    /// <summary>Call before each message.</summary>
    public void Reset()
    {
        DataStarted = false;
        _serverAtLineStart = true;
        _clientAtLineStart = true;
    }

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    public void LogConnect(Uri uri) => Reset();

    public void LogClient(byte[] buffer, int offset, int count)
    {
        // Once data flows, its content is the message, not commands: nothing more to learn until the next Reset.
        if (DataStarted) return;
        _clientAtLineStart = Scan(buffer.AsSpan(offset, count), _clientAtLineStart, "BDAT"u8);
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        if (DataStarted) return;
        _serverAtLineStart = Scan(buffer.AsSpan(offset, count), _serverAtLineStart, "354"u8);
    }

    private bool Scan(ReadOnlySpan<byte> bytes, bool atLineStart, ReadOnlySpan<byte> marker)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (atLineStart && bytes.Length - i >= marker.Length && bytes.Slice(i, marker.Length).SequenceEqual(marker))
            {
                DataStarted = true;
                return false;
            }
            atLineStart = bytes[i] == (byte)'\n';
        }
        return atLineStart;
    }

    public void Dispose()
    {
    }
}
