#!/bin/sh
# Verifies each message file's DKIM signature with Debian's opendkim-testmsg (libopendkim, independent of MimeKit).
# opendkim-testmsg looks the key up in DNS only, so this runs it in private user, mount and network namespaces
# (no root needed, nothing outside changes): a loopback-only network where dns-answer.py answers every TXT query
# with the record from the file, and a resolv.conf pointing there mounted over /etc/resolv.conf for this process
# alone. Prints one line per message, "pass <file>" or "fail <file>: <reason>", and exits 1 when any fails.
#
# usage: opendkim-verify.sh <public key TXT record file> <message file>...
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec unshare --user --map-root-user --mount --net sh -s "$here" "$@" <<'INNER'
set -eu
here=$1; record=$2; shift 2
ip link set lo up
work=$(mktemp -d)
echo "nameserver 127.0.0.1" > "$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf
python3 "$here/dns-answer.py" "$record" > "$work/ready" &
dns=$!
tries=0
while [ ! -s "$work/ready" ] && [ $tries -lt 200 ]; do sleep 0.05; tries=$((tries + 1)); done
failed=0
for message in "$@"; do
  if reason=$(opendkim-testmsg < "$message" 2>&1); then echo "pass $message"; else echo "fail $message: $reason"; failed=1; fi
done
kill "$dns"
rm -rf "$work"
exit $failed
INNER
