#!/usr/bin/env bash
# Makes Postfix itself write the bounce reports in tests/Newsletter.Tests/Fixtures/Bounces/postfix-real-*.eml.txt.
# NOT part of the test run: it needs root (Postfix's master) and takes about a minute. Run it again only to refresh
# those files:   sudo bash tests/fixtures-tools/postfix-bounces.sh
#
# A throwaway Postfix instance (its own config, queue and mail folders under a temp folder, smtpd on a free
# loopback port, nothing on the network) takes four digests whose envelope sender is our signed VERP address
# (bounces+<row>-<tag>@newsletter.localhost, tagged under the fixtures' key: 32 bytes of 0x42) and:
#   row 8, reader8@example.org  → relayed to `smtp-sink -f RCPT` (550 to RCPT)        → "failed" (hard)
#   row 7, reader7@example.org  → relayed to `smtp-sink -r RCPT` (450 to RCPT, always) → "delayed" after
#                                 delay_warning_time, then "failed" after maximal_queue_lifetime (soft: it gave up)
#   row 1, reader1@example.org  → the local delivery agent, which has no such user      → "failed" (hard, 5.1.1)
# Its bounces go to newsletter.localhost, a virtual mailbox domain of the same instance (recipient_delimiter +), and
# are copied from that Maildir. Needs postfix (smtp-sink, master) and python3, both installed by install-deps.sh.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "postfix-bounces: run as root (Postfix's master needs it)" >&2; exit 1; }
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="$repo/tests/Newsletter.Tests/Fixtures/Bounces"
work="$(mktemp -d /tmp/postfix-bounces.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
  postfix -c "$work/etc" stop >/dev/null 2>&1 || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT


free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
smtpd_port="$(free_port)"; hard_port="$(free_port)"; soft_port="$(free_port)"

# The relays: one refuses every recipient for good, one for now.
/usr/sbin/smtp-sink -u nobody -f RCPT "127.0.0.1:$hard_port" 10 & pids+=($!)
/usr/sbin/smtp-sink -u nobody -r RCPT "127.0.0.1:$soft_port" 10 & pids+=($!)

mkdir -p "$work/etc" "$work/queue" "$work/data" "$work/mail"
chown 65534:65534 "$work/mail"
chown postfix "$work/data"
cat > "$work/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $work/queue
data_directory = $work/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = $work
maillog_file = $work/maillog
myhostname = relay.newsletter.test
mydomain = newsletter.test
myorigin = \$myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_dns_support_level = disabled
recipient_delimiter = +
transport_maps = texthash:$work/etc/transport
virtual_mailbox_domains = newsletter.localhost
virtual_mailbox_base = $work/mail
virtual_mailbox_maps = texthash:$work/etc/mailboxes
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
alias_maps =
alias_database =
biff = no
# Quick give-up and quick warnings, so the whole run takes about a minute.
queue_run_delay = 3s
minimal_backoff_time = 3s
maximal_backoff_time = 6s
delay_warning_time = 5s
maximal_queue_lifetime = 40s
CF
cat > "$work/etc/transport" <<MAP
reader8@example.org smtp:[127.0.0.1]:$hard_port
reader7@example.org smtp:[127.0.0.1]:$soft_port
reader1@example.org local:
MAP
echo "bounces@newsletter.localhost bounces/" > "$work/etc/mailboxes"
cat > "$work/etc/master.cf" <<CF
127.0.0.1:$smtpd_port inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
local     unix  - n n - - local
virtual   unix  - n n - - virtual
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
postfix -c "$work/etc" start

# Four digests (three rows; the soft one gives a warning and a failure), submitted over SMTP with our VERP sender.
python3 - "$smtpd_port" <<'PY'
import hashlib, hmac, smtplib, sys
key = bytes([0x42]) * 32
def token(row): return f"{row}-" + hmac.new(key, f"bounce:{row}".encode(), hashlib.sha256).hexdigest()[:16]
with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as smtp:
    for row in (8, 7, 1):
        to = f"reader{row}@example.org"
        message = (
            f"From: Research Digest <newsletter@newsletter.localhost>\r\nTo: {to}\r\n"
            f"Subject: Your research digest\r\nDate: Tue, 24 Nov 2026 08:00:00 +0000\r\n"
            f"Message-ID: <digest.{row}.daily.2026-11-24@newsletter.localhost>\r\n"
            f"X-Newsletter-Delivery: {token(row)}\r\nAuto-Submitted: auto-generated\r\nPrecedence: bulk\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThree new papers match your topics.\r\n")
        smtp.sendmail(f"bounces+{token(row)}@newsletter.localhost", [to], message)
PY

# Wait for the four reports: failed (hard relay), failed (unknown user), delayed and failed (soft relay).
maildir="$work/mail/bounces/new"
for _ in $(seq 1 120); do
  [ "$(ls "$maildir" 2>/dev/null | wc -l)" -ge 4 ] && break
  sleep 1
done
[ "$(ls "$maildir" 2>/dev/null | wc -l)" -ge 4 ] || { echo "postfix-bounces: only $(ls "$maildir" 2>/dev/null | wc -l) reports after 2 minutes; see the log:" >&2; tail -30 "$work/maillog" >&2; exit 1; }

for file in "$maildir"/*; do
  row="$(grep -m1 -o 'bounces+[0-9]*-' "$file" | tr -dc '0-9')"
  if grep -q '^Action: delayed' "$file"; then name="postfix-real-delayed"
  elif [ "$row" = 7 ]; then name="postfix-real-gave-up"
  elif [ "$row" = 8 ]; then name="postfix-real-relay-refused"
  else name="postfix-real-unknown-user"; fi
  cp "$file" "$out/$name.eml.txt"
  chmod 644 "$out/$name.eml.txt"
  echo "wrote $out/$name.eml.txt"
done
