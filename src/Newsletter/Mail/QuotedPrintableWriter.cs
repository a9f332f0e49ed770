using System.Buffers;
using System.Text;

namespace Newsletter.Mail;

/// <summary>
/// Writes text as UTF-8 quoted-printable (RFC 2045, 6.7) with CRLF line ends straight into a byte buffer, the bytes
/// that go on the wire. Text is encoded a line at a time, so a line's encoding does not depend on what came before it:
/// texts encoded once (<see cref="QuotedPrintableText"/>) are copied as they are, the line they are placed in ended
/// with a soft break (invisible once decoded) so that each starts a line of its own. Every line it writes is
/// already in DKIM's relaxed body form (RFC 6376, 3.4.4: no tab, no run of spaces, no space before the line end), so
/// a signer hashes the bytes as they are (<see cref="WireBody.CanonicalBodyHash"/>).
/// </summary>
public sealed class QuotedPrintableWriter
{
    // At most 76 characters on an encoded line, a soft break's '=' included.
    private const int MaxLine = 76;
    // A tab is always encoded, and so is a space that follows a space: relaxed canonicalisation would change either.
    private static readonly SearchValues<byte> Literal = SearchValues.Create(
        "!\"#$%&'()*+,-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ "u8);
    private static readonly byte[] Hex = "0123456789ABCDEF"u8.ToArray();
    private byte[] _out;
    private int _length;
    private char[] _line;
    private int _lineLength;
    private byte[] _utf8;
    private readonly bool _pooled;

    /// <param name="capacity">Bytes to start with (the buffer grows when needed; so do the line's, sized for it).</param>
    /// <param name="pooled">
    /// The buffer is rented from the shared pool: whoever takes it (<see cref="Detach"/>) returns it. So are the
    /// line's two scratch buffers, which <see cref="Detach"/> returns: a digest's body is written once, and its few KB
    /// of scratch (more on a long HTML line) were a tenth of what a send allocated (tests/BENCHMARKS.md).
    /// </param>
    public QuotedPrintableWriter(int capacity = 16 * 1024, bool pooled = false)
    {
        _pooled = pooled;
        _out = pooled ? ArrayPool<byte>.Shared.Rent(capacity) : new byte[capacity];
        (_line, _utf8) = ([], []);
        Resize(ref _line, Math.Clamp(capacity / 2, 64, 512), copy: false);
        Resize(ref _utf8, Math.Clamp(capacity, 64, 2048), copy: false);
    }

    /// <summary>Bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _out.AsSpan(0, _length);

    /// <summary>Text to encode; a <c>\n</c> (or <c>\r\n</c>) ends a line.</summary>
    public void Write(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var end = text.IndexOf('\n');
            Append(end < 0 ? text : text[..end]);
            if (end < 0) return;
            EncodeLine(LineEnd.Hard);
            text = text[(end + 1)..];
        }
    }

    /// <summary>
    /// Text encoded once, copied as it is: the line the writer stands in (text written since the last line end) is
    /// ended with a soft break first, so the copy starts a line as it was encoded. The decoded text is the same.
    /// </summary>
    public void Write(QuotedPrintableText text)
    {
        if (text.Encoded.IsEmpty) return;
        EndLineSoftly();
        Put(text.Encoded.Span);
    }

    /// <summary>Ends the current line, if any text stands in it, with a soft break: the next text starts a line.</summary>
    public void EndLineSoftly()
    {
        if (_lineLength > 0) EncodeLine(LineEnd.Soft);
    }

    /// <summary>Ends the current line without a line break (its trailing whitespace encoded): the end of a part.</summary>
    public void EndText()
    {
        if (_lineLength > 0) EncodeLine(LineEnd.None);
        // A copied text that closed with a soft break needs none at the end: nothing follows it in the part.
        else if (Written.EndsWith("=\r\n"u8)) _length -= 3;
    }

    /// <summary>ASCII written as is (MIME boundaries and part headers), at the start of a line.</summary>
    public void WriteRaw(ReadOnlySpan<byte> ascii)
    {
        if (_lineLength > 0) throw new InvalidOperationException("raw bytes go at the start of a line");
        Put(ascii);
    }

    /// <summary>Hands the buffer over (its first <c>Length</c> bytes are the text) and starts empty.</summary>
    public (byte[] Buffer, int Length) Detach()
    {
        EndText();
        var detached = (_out, _length);
        StartEmpty();
        return detached;
    }

    /// <summary>The bytes written so far, copied; a pooled writer's buffers go back to the pool, and it starts empty.</summary>
    public byte[] TakeCopy()
    {
        var copy = Written.ToArray();
        if (_pooled && _out.Length > 0) ArrayPool<byte>.Shared.Return(_out);
        StartEmpty();
        return copy;
    }

    /// <summary>Lets the buffer go (its caller has handed it over or given it back) and the line's scratch with it.</summary>
    private void StartEmpty()
    {
        (_out, _length, _lineLength) = ([], 0, 0);
        Resize(ref _line, 0, copy: false);
        Resize(ref _utf8, 0, copy: false);
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (_lineLength + text.Length > _line.Length) Resize(ref _line, Math.Max(_line.Length * 2, _lineLength + text.Length), copy: true);
        text.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += text.Length;
    }

    /// <summary>How an encoded line ends: a line break of the text, a soft break (none in the text), or nothing (the part's end).</summary>
    private enum LineEnd { Hard, Soft, None }

    private void EncodeLine(LineEnd end)
    {
        var chars = _line.AsSpan(0, _lineLength);
        if (end == LineEnd.Hard && !chars.IsEmpty && chars[^1] == '\r') chars = chars[..^1];
        // A line that ends with a soft break needs the 76th column for its '='.
        var lastMax = end == LineEnd.Soft ? MaxLine - 1 : MaxLine;
        var most = Encoding.UTF8.GetMaxByteCount(chars.Length);
        if (most > _utf8.Length) Resize(ref _utf8, Math.Max(most, _utf8.Length * 2), copy: false);
        var bytes = _utf8.AsSpan(0, Encoding.UTF8.GetBytes(chars, _utf8));
        // Worst case: every byte as =XX, a soft break every 25 of them, and the line end.
        Reserve(bytes.Length * 3 + (bytes.Length / 25 + 1) * 3 + 3);
        var column = 0;
        var i = 0;
        while (i < bytes.Length)
        {
            // A run of bytes that stand for themselves; a space at the very end of the line, or after another space, does not.
            var run = LiteralRun(bytes, i);
            if (i + run == bytes.Length && run > 0 && bytes[^1] == (byte)' ') run--;
            while (run > 0)
            {
                // The rest of the line may fill all 76 columns if it fits there whole; otherwise a soft break needs the 76th.
                var room = i + run == bytes.Length && column + run <= lastMax ? run : MaxLine - 1 - column;
                if (room <= 0)
                {
                    SoftBreak();
                    column = 0;
                    continue;
                }
                // A line that starts with '.' is dot-stuffed by SMTP's DATA, a copy of the whole message: encoded instead.
                if (column == 0 && bytes[i] == (byte)'.') break;
                var take = Math.Min(room, run);
                bytes.Slice(i, take).CopyTo(_out.AsSpan(_length));
                _length += take;
                column += take;
                i += take;
                run -= take;
            }
            if (i == bytes.Length) break;
            if (column + 3 > (i + 1 == bytes.Length ? lastMax : MaxLine - 1))
            {
                SoftBreak();
                column = 0;
            }
            var b = bytes[i++];
            _out[_length++] = (byte)'=';
            _out[_length++] = Hex[b >> 4];
            _out[_length++] = Hex[b & 15];
            column += 3;
        }
        if (end == LineEnd.Hard)
        {
            _out[_length++] = (byte)'\r';
            _out[_length++] = (byte)'\n';
        }
        else if (end == LineEnd.Soft) SoftBreak();
        _lineLength = 0;
    }

    private static int LiteralRun(ReadOnlySpan<byte> bytes, int from)
    {
        if (from > 0 && bytes[from] == (byte)' ' && bytes[from - 1] == (byte)' ') return 0;
        var rest = bytes[from..];
        var run = rest.IndexOfAnyExcept(Literal);
        if (run < 0) run = rest.Length;
        var spaces = rest[..run].IndexOf("  "u8);
        return spaces < 0 ? run : spaces + 1;
    }

    private void SoftBreak()
    {
        _out[_length++] = (byte)'=';
        _out[_length++] = (byte)'\r';
        _out[_length++] = (byte)'\n';
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_out.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Reserve(int more)
    {
        if (_length + more <= _out.Length) return;
        var size = Math.Max(_out.Length * 2, _length + more);
        if (!_pooled)
        {
            Array.Resize(ref _out, size);
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _out.AsSpan(0, _length).CopyTo(larger);
        if (_out.Length > 0) ArrayPool<byte>.Shared.Return(_out);
        _out = larger;
    }

    /// <summary>
    /// Gives a scratch buffer <paramref name="length"/> (at least; 0 lets it go), from the pool and back when pooled,
    /// keeping what it held when <paramref name="copy"/>.
    /// </summary>
    private void Resize<T>(ref T[] array, int length, bool copy)
    {
        if (!_pooled)
        {
            if (copy) Array.Resize(ref array, length);
            else array = new T[length];
            return;
        }
        var larger = length == 0 ? [] : ArrayPool<T>.Shared.Rent(length);
        if (copy) array.AsSpan(0, Math.Min(array.Length, larger.Length)).CopyTo(larger);
        if (array.Length > 0) ArrayPool<T>.Shared.Return(array);
        array = larger;
    }
}
