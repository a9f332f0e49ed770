#!/usr/bin/env bash
# Installs what the tests need (postfix's smtp-sink, Chromium, axe-core, python3-dkim, dovecot, PostgreSQL) when missing, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install-deps.sh smtp-sink chromium axe-core python3-dkim opendkim-tools dovecot postgres

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
set +e
dotnet test Newsletter.sln --configuration Release --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" 2>&1 | tee "$results/output.log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line, from the runner's own counts in the TRX report.
trx=$(find "$results" -name '*.trx' | head -n 1)
if [ -n "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  count() { sed -E "s/.* $1=\"([0-9]+)\".*/\1/" <<<"$counters"; }
  passed=$(count passed); failed=$(count failed); total=$(count total); executed=$(count executed)
  skipped=$((total - executed))
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  if [ "$skipped" -ne 0 ]; then echo "skipped tests are not allowed: every test must run"; status=1; fi
else
  echo "no test report was written"; status=1
fi
exit "$status"
