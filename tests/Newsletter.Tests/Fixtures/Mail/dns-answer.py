"""Answers every DNS TXT query on 127.0.0.1:53 (UDP) with the one record read from a file, until killed.
Used by opendkim-verify.sh inside its private network namespace; prints "ready" once it listens."""
import socket
import struct
import sys

record = open(sys.argv[1], "rb").read().strip()
strings = b"".join(bytes([len(record[i:i + 255])]) + record[i:i + 255] for i in range(0, len(record), 255))
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 53))
print("ready", flush=True)
while True:
    query, peer = sock.recvfrom(512)
    ident, = struct.unpack(">H", query[:2])
    end = 12
    while query[end] != 0:
        end += query[end] + 1
    question = query[12:end + 5]
    qtype, = struct.unpack(">H", query[end + 1:end + 3])
    answers = 1 if qtype == 16 else 0
    header = struct.pack(">HHHHHH", ident, 0x8180, 1, answers, 0, 0)
    answer = struct.pack(">HHHIH", 0xC00C, 16, 1, 60, len(strings)) + strings if answers else b""
    sock.sendto(header + question + answer, peer)
