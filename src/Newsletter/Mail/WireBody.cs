using System.Buffers;
using System.Security.Cryptography;
using MimeKit;

namespace Newsletter.Mail;

/// <summary>
/// A message body written once as its final bytes (<see cref="AlternativeBody"/>): a multipart/alternative entity
/// whose every write (the DKIM body hash, SMTP's data, the pickup folder's file) copies the same bytes, instead of
/// MimeKit formatting and encoding the parts again each time.
/// </summary>
public sealed class WireBody : MimeEntity
{
    private byte[] _bytes;
    private int _length;

    internal WireBody(AlternativeBody body) : base(new ContentType("multipart", "alternative") { Boundary = body.Boundary }) =>
        (_bytes, _length) = body.Finish();

    /// <summary>What follows the header block on the wire: the parts, quoted-printable, CRLF line ends.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

    /// <summary>
    /// The SHA-256 of the body in DKIM's relaxed canonical form (RFC 6376, 3.4.4), base64 (the <c>bh=</c> tag). Every
    /// line was written canonical already (<see cref="QuotedPrintableWriter"/>, and the part headers and boundaries
    /// have single spaces only), so the form differs from the bytes only at the end: empty lines there go, and a body
    /// that is not empty ends with exactly one CRLF.
    /// </summary>
    public string CanonicalBodyHash()
    {
        var body = Bytes;
        while (body.EndsWith("\r\n\r\n"u8)) body = body[..^2];
        if (body.SequenceEqual("\r\n"u8)) body = [];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (body.IsEmpty || body.EndsWith("\r\n"u8))
        {
            SHA256.HashData(body, hash);
        }
        else
        {
            using var incremental = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            incremental.AppendData(body);
            incremental.AppendData("\r\n"u8);
            incremental.GetHashAndReset(hash);
        }
        return Convert.ToBase64String(hash);
    }

    // Already 7-bit with short lines: nothing for MimeKit or MailKit to re-encode.
    public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78) { }

    public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        if (!contentOnly) base.WriteTo(options, stream, false, cancellationToken);
        stream.Write(Bytes);
    }

    /// <summary>Hands the buffer back to the shared pool it was rented from (once: the body is empty from then on).</summary>
    protected override void Dispose(bool disposing)
    {
        var bytes = Interlocked.Exchange(ref _bytes, []);
        _length = 0;
        if (bytes.Length > 0) ArrayPool<byte>.Shared.Return(bytes);
        base.Dispose(disposing);
    }

    public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        if (!contentOnly) await base.WriteToAsync(options, stream, false, cancellationToken);
        await stream.WriteAsync(_bytes.AsMemory(0, _length), cancellationToken);
    }
}
