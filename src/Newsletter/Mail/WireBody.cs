using MimeKit;

namespace Newsletter.Mail;

/// <summary>
/// A message body written once as its final bytes (<see cref="AlternativeBody"/>): a multipart/alternative entity
/// whose every write (the DKIM body hash, SMTP's data, the pickup folder's file) copies the same bytes, instead of
/// MimeKit formatting and encoding the parts again each time.
/// </summary>
public sealed class WireBody : MimeEntity
{
    private readonly byte[] _bytes;
    private readonly int _length;

    internal WireBody(AlternativeBody body) : base(new ContentType("multipart", "alternative") { Boundary = body.Boundary }) =>
        (_bytes, _length) = body.Finish();

    /// <summary>What follows the header block on the wire: the parts, quoted-printable, CRLF line ends.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

    // Already 7-bit with short lines: nothing for MimeKit or MailKit to re-encode.
    public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78) { }

    public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        if (!contentOnly) base.WriteTo(options, stream, false, cancellationToken);
        stream.Write(Bytes);
    }

    public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        if (!contentOnly) await base.WriteToAsync(options, stream, false, cancellationToken);
        await stream.WriteAsync(_bytes.AsMemory(0, _length), cancellationToken);
    }
}
