using MimeKit;

namespace Newsletter.Tests.Support;

/// <summary>A composed message read back as a receiver parses it (its body is bytes, so its parts are only seen parsed).</summary>
public static class WireMessages
{
    /// <summary>The message as SMTP carries it: CRLF line ends.</summary>
    public static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }

    /// <summary>The message parsed from its bytes.</summary>
    public static MimeMessage Parsed(this MimeMessage message) => MimeMessage.Load(new MemoryStream(Bytes(message)));
}
