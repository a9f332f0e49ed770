# A loopback SMTP sink for the send benchmark that offers CHUNKING (BDAT, RFC 3030) beside DATA, which postfix's
# smtp-sink does not; accepts and discards every message. tests/bench.sh --chunking-sink starts it instead of smtp-sink.
# usage: python3 tests/chunking-sink.py PORT [--no-chunking]
import asyncio, sys
port = int(sys.argv[1]); chunking = "--no-chunking" not in sys.argv
EHLO = b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n" + (b"250-CHUNKING\r\n" if chunking else b"") + b"250 ENHANCEDSTATUSCODES\r\n"
async def handle(r, w):
    out = [b"220 sink ESMTP\r\n"]
    try:
        while True:
            if out and not r._buffer:
                w.write(b"".join(out)); out.clear(); await w.drain()
            line = await r.readline()
            if not line: break
            cmd = line[:4].upper()
            if cmd == b"EHLO": out.append(EHLO)
            elif cmd == b"DATA":
                w.write(b"".join(out) + b"354 go ahead\r\n"); out.clear(); await w.drain()
                await r.readuntil(b"\r\n.\r\n"); out.append(b"250 2.0.0 Ok: queued\r\n")
            elif cmd == b"BDAT":
                parts = line.split(); await r.readexactly(int(parts[1]))
                out.append(b"250 2.0.0 Ok: queued\r\n" if len(parts) > 2 else b"250 2.0.0 Ok\r\n")
            elif cmd == b"QUIT":
                w.write(b"".join(out) + b"221 2.0.0 Bye\r\n"); out.clear(); await w.drain(); break
            else: out.append(b"250 2.0.0 Ok\r\n")
    except (ConnectionError, asyncio.IncompleteReadError): pass
    finally: w.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", port, limit=1 << 24, backlog=256)
    async with server: await server.serve_forever()
asyncio.run(main())
