"""Verifies each message file's DKIM signature with python3-dkim (Debian's package), an implementation independent
of MimeKit. The public key comes from a file instead of DNS. Prints one line per message, "pass" or "fail", and
exits 1 when any fails.

usage: dkim-verify.py <public key TXT record file> <message file>...
"""
import re
import sys

import dkim

record = open(sys.argv[1], "rb").read().strip()


def key_from_file(name, timeout=5):
    return record


failed = False
for path in sys.argv[2:]:
    raw = open(path, "rb").read()
    # smtp-sink writes lines ending in LF; the signature is over the CRLF form the server received.
    raw = re.sub(rb"\r?\n", b"\r\n", raw)
    ok = dkim.verify(raw, dnsfunc=key_from_file)
    print(("pass " if ok else "fail ") + path)
    failed = failed or not ok
sys.exit(1 if failed else 0)
