using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Mail;

/// <summary>
/// The body of a multipart/alternative message (text first, HTML preferred), written once as the bytes that go on
/// the wire: each part UTF-8 quoted-printable, so it is 7-bit with short lines and no relay re-encodes it (which would
/// break a DKIM signature). Write the parts through <see cref="Part"/>, then hand the body to <see cref="Mailer.Compose(MimeKit.MailboxAddress, string, string, AlternativeBody)"/>, which makes it a <see cref="WireBody"/>.
/// </summary>
public sealed class AlternativeBody
{
    // A digest's ~56 KB: rented, not allocated (and zeroed) a message; the WireBody made from it returns it when the message is disposed.
    private readonly QuotedPrintableWriter _writer = new(64 * 1024, pooled: true);
    private bool _open;

    /// <summary>
    /// The boundary: "=_" followed by random letters. A quoted-printable line never holds "=_" (its '=' is followed by
    /// two hex digits or the line end), so no part can contain it.
    /// </summary>
    public string Boundary { get; } = "=_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>Starts a <c>text/<paramref name="subtype"/></c> part and returns the writer its text goes to.</summary>
    public QuotedPrintableWriter Part(string subtype)
    {
        EndPart();
        _writer.WriteRaw(Encoding.ASCII.GetBytes(
            $"--{Boundary}\r\nContent-Type: text/{subtype}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"));
        _open = true;
        return _writer;
    }

    /// <summary>Closes the last part and hands over the bytes.</summary>
    internal (byte[] Buffer, int Length) Finish()
    {
        EndPart();
        _writer.WriteRaw(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        return _writer.Detach();
    }

    private void EndPart()
    {
        if (!_open) return;
        // The line end before a boundary belongs to the boundary (RFC 2046, 5.1.1), not to the part's text.
        _writer.EndText();
        _writer.WriteRaw("\r\n"u8);
        _open = false;
    }
}
