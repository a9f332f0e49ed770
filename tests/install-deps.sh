#!/usr/bin/env bash
# Installs, from Debian's packages, whatever of the given tools is missing: smtp-sink (postfix), chromium, wrk.
# Shared by tests/run.sh and tests/bench.sh; does nothing when everything asked for is there.
set -euo pipefail

need=()
for tool in "$@"; do
  case "$tool" in
    smtp-sink) [ -x /usr/sbin/smtp-sink ] || need+=(postfix) ;;
    chromium) [ -x /usr/bin/chromium ] || need+=(chromium) ;;
    wrk) command -v wrk >/dev/null || need+=(wrk) ;;
    *) echo "install-deps: unknown tool '$tool'" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

echo "installing ${need[*]} ..."
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
