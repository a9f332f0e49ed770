using System.Net.Sockets;

namespace Newsletter.Mail;

/// <summary>
/// The stream MailKit is handed for an SMTP connection: reads go to the socket as they come; writes are kept until
/// MailKit flushes (it does after each command group and at a message's end), then go out in one send. MailKit writes
/// in 4 KB blocks, so a 55 KB digest was fourteen sends and as many trips through the loopback or network stack.
/// </summary>
internal sealed class SocketWriteBuffer(Socket socket) : Stream
{
    // A message larger than this is sent in pieces of about this size; a digest is ~55 KB.
    private const int SendAtMost = 256 * 1024;

    private readonly NetworkStream _socket = new(socket, ownsSocket: true);
    private byte[] _pending = new byte[64 * 1024];
    private int _count;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override bool CanTimeout => true;

    public override int ReadTimeout
    {
        get => _socket.ReadTimeout;
        set => _socket.ReadTimeout = value;
    }

    public override int WriteTimeout
    {
        get => _socket.WriteTimeout;
        set => _socket.WriteTimeout = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => _socket.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _socket.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _socket.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _socket.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_count + buffer.Length > SendAtMost) Flush();
        if (_count + buffer.Length > _pending.Length)
            Array.Resize(ref _pending, Math.Max(_count + buffer.Length, Math.Min(2 * _pending.Length, SendAtMost)));
        buffer.CopyTo(_pending.AsSpan(_count));
        _count += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        if (_count == 0) return;
        var count = _count;
        _count = 0;
        _socket.Write(_pending, 0, count);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_count == 0) return;
        var count = _count;
        _count = 0;
        await _socket.WriteAsync(_pending.AsMemory(0, count), cancellationToken);
    }

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _socket.Dispose();
        base.Dispose(disposing);
    }
}
