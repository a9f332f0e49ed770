using System.Net;
using System.Net.Sockets;
using Newsletter.Mail;

namespace Newsletter.Tests.Mail;

public class SocketWriteBufferTests
{
    // On loopback a send is in the peer's receive queue when it returns, so what the peer can read says what was sent.
    [Test]
    public void Writes_StayUntilFlush_ThenGoOutTogether()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        client.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var peer = listener.AcceptSocket();
        using var stream = new SocketWriteBuffer(client);
        var block = new byte[4096];

        for (var i = 0; i < 3; i++) stream.Write(block, 0, block.Length);
        Assert.That(peer.Available, Is.Zero, "MailKit's 4 KB blocks are kept");

        stream.Flush();
        var received = 0;
        var buffer = new byte[3 * 4096];
        while (received < buffer.Length) received += peer.Receive(buffer, received, buffer.Length - received, SocketFlags.None);
        Assert.That(received, Is.EqualTo(3 * 4096), "and sent at the flush");
    }

    [Test]
    public void Reads_AndTimeouts_AreTheSocketsOwn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        client.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var peer = listener.AcceptSocket();
        using var stream = new SocketWriteBuffer(client) { ReadTimeout = 200 };
        peer.Send("250 ok\r\n"u8);

        var buffer = new byte[16];
        Assert.That(stream.Read(buffer, 0, buffer.Length), Is.EqualTo(8));
        Assert.Throws<IOException>(() => stream.ReadExactly(buffer), "a silent server times out");
    }
}
