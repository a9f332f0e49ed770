#!/usr/bin/env bash
# Installs, from Debian's packages, whatever of the given tools is missing: smtp-sink (postfix), chromium, wrk,
# python3-dkim and opendkim-tools (two DKIM verifiers independent of MimeKit); dovecot (IMAP and POP3 servers for
# the bounce mailbox tests); postgres (Debian's PostgreSQL 15 server binaries: the tests start their own throwaway
# server, never the system's); and
# axe-core (the accessibility rules the Chromium tests inject into pages) from npm into tests/node_modules.
# Shared by tests/run.sh and tests/bench.sh; does nothing when everything asked for is there.
set -euo pipefail

need=()
npm_tools=0
for tool in "$@"; do
  case "$tool" in
    smtp-sink) [ -x /usr/sbin/smtp-sink ] || need+=(postfix) ;;
    chromium) [ -x /usr/bin/chromium ] || need+=(chromium) ;;
    wrk) command -v wrk >/dev/null || need+=(wrk) ;;
    python3-dkim) /usr/bin/python3 -c 'import dkim' 2>/dev/null || need+=(python3-dkim) ;;
    opendkim-tools) [ -x /usr/sbin/opendkim-testmsg ] || need+=(opendkim-tools) ;;
    postgres) [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || need+=(postgresql-15) ;;
    dovecot) [ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/pop3 ] || need+=(dovecot-imapd dovecot-pop3d) ;;
    axe-core)
      if [ ! -f "$(dirname "$0")/node_modules/axe-core/axe.min.js" ]; then
        npm_tools=1
        command -v npm >/dev/null || need+=(npm)
      fi ;;
    *) echo "install-deps: unknown tool '$tool'" >&2; exit 2 ;;
  esac
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} ..."
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# After apt: on a machine without Node.js, Debian's npm brought it.
if [ "$npm_tools" -eq 1 ]; then
  echo "installing axe-core (npm) ..."
  npm ci --prefix "$(dirname "$0")" --no-audit --no-fund --loglevel=error >/dev/null
fi
