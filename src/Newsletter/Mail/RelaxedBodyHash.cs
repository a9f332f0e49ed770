using System.Buffers;
using System.Security.Cryptography;

namespace Newsletter.Mail;

/// <summary>
/// A write-only stream that hashes what is written to it in DKIM's relaxed body canonical form (RFC 6376, 3.4.4):
/// runs of spaces and tabs become one space, whitespace at a line's end goes, empty lines at the end go, and a
/// body that is not empty ends with one CRLF. It takes text with CRLF line ends (MimeKit's DOS format), so a CR is
/// dropped and the LF after it ends the line.
/// </summary>
internal sealed class RelaxedBodyHash : Stream
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _out = new byte[4096];
    private int _used;
    private bool _space;
    private int _lineEnds;
    private bool _any;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            // A whole line already in canonical form (no tab, no run of spaces, no space before its CRLF) is hashed as
            // it is: most lines of a quoted-printable body, which encodes whitespace at a line's end.
            if (!_space && (_lineEnds > 0 || !_any))
            {
                var end = buffer.IndexOf((byte)'\n');
                if (end > 1 && buffer[end - 1] == '\r' && IsCanonical(buffer[..(end - 1)]))
                {
                    for (; _lineEnds > 0; _lineEnds--) Put(Crlf);
                    Put(buffer[..(end - 1)]);
                    _any = true;
                    _space = false;
                    _lineEnds = 1;
                    buffer = buffer[(end + 1)..];
                    continue;
                }
            }
            // Runs of ordinary bytes pass as they are; only whitespace and line ends need a decision.
            var at = buffer.IndexOfAny(Whitespace);
            var run = at < 0 ? buffer : buffer[..at];
            if (!run.IsEmpty)
            {
                for (; _lineEnds > 0; _lineEnds--) Put(Crlf);
                if (_space) Put(" "u8);
                _space = false;
                Put(run);
                _any = true;
            }
            if (at < 0) return;
            switch (buffer[at])
            {
                case (byte)'\n':
                    // Whitespace before a line end is dropped; the line end waits until text follows it.
                    _space = false;
                    _lineEnds++;
                    break;
                case (byte)'\r':
                    break;
                default:
                    _space = true;
                    break;
            }
            buffer = buffer[(at + 1)..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    private static bool IsCanonical(ReadOnlySpan<byte> line) =>
        line[0] is not ((byte)' ' or (byte)'\t') && line[^1] is not ((byte)' ' or (byte)'\t')
        && !line.Contains((byte)'\t') && !line.Contains((byte)'\r') && line.IndexOf("  "u8) < 0;

    /// <summary>The SHA-256 of the canonical body, base64 (the <c>bh=</c> tag); call once, after the body is written.</summary>
    public string Finish()
    {
        // An empty body hashes as nothing at all; any other ends with exactly one line end.
        if (_any) Put(Crlf);
        _hash.AppendData(_out, 0, _used);
        _used = 0;
        return Convert.ToBase64String(_hash.GetHashAndReset());
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _out.Length - _used)
        {
            Drain();
            if (bytes.Length > _out.Length)
            {
                _hash.AppendData(bytes);
                return;
            }
        }
        bytes.CopyTo(_out.AsSpan(_used));
        _used += bytes.Length;
    }

    private void Drain()
    {
        _hash.AppendData(_out, 0, _used);
        _used = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
