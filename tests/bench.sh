#!/usr/bin/env bash
# Benchmarks (not tests; never part of tests/run.sh): builds tests/Newsletter.Benchmarks in Release, starts postfix's
# smtp-sink on a free loopback port and runs every scenario, appending one row per result to tests/BENCHMARKS.md.
#   tests/bench.sh            full run (plan up to 1,000,000 readers, 20,000 digests; about an hour on 2 cores)
#   tests/bench.sh --quick    a few minutes: plan up to 100,000 readers, 5,000 digests
#   tests/bench.sh --only hostile-xml    the ingest, then 50 MB of hostile XML (unclosed <entry> elements): time, peak memory
# Other options go to the harness: --connections N, --digests N, --only hostile-xml,plan,query,preview-windows,micro,send, --no-record.
#   --chunking-sink: the send goes to tests/chunking-sink.py, which offers CHUNKING (BDAT), instead of smtp-sink.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

record=1
chunking=0
args=()
for arg in "$@"; do
  case "$arg" in
    --no-record) record=0 ;;
    --chunking-sink) chunking=1 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$arg") ;;
  esac
done

bash tests/install-deps.sh smtp-sink wrk postgres

work="$(mktemp -d "${TMPDIR:-/tmp}/newsletter-bench.XXXXXX")"
sink_pid=""
bench_pid=""

# Ends what this script started, by process id, then removes the temporary folder; runs however the script ends.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$bench_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$bench_pid" 2>/dev/null || true
  fi
  if [ -n "$sink_pid" ]; then kill -TERM "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building the benchmarks (Release) ..."
dotnet build tests/Newsletter.Benchmarks/Newsletter.Benchmarks.csproj --configuration Release -nologo -v quiet \
  -o "$work/bin" >"$work/build.log" 2>&1 || { cat "$work/build.log"; echo "bench: build failed"; exit 1; }
bench=(dotnet "$work/bin/Newsletter.Benchmarks.dll")

port="$("${bench[@]}" free-port)"
sink_args=()
[ "$(id -u)" -eq 0 ] && sink_args+=(-u nobody)
if [ "$chunking" -eq 1 ]; then
  python3 tests/chunking-sink.py "$port" &   # offers CHUNKING, so the digests go as BDAT (smtp-sink offers DATA only)
else
  /usr/sbin/smtp-sink "${sink_args[@]}" "127.0.0.1:$port" 256 &
fi
sink_pid=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$sink_pid" 2>/dev/null || { echo "bench: smtp-sink did not start"; exit 1; }
  sleep 0.1
done

label="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD -- src 2>/dev/null || label="$label+changes"
results=()
[ "$record" -eq 1 ] && results=(--results "$root/tests/BENCHMARKS.md")

"${bench[@]}" run --work "$work/run" --repo "$root" --sink "127.0.0.1:$port" --sink-pid "$sink_pid" \
  --label "$label" "${results[@]}" "${args[@]}" &
bench_pid=$!
wait "$bench_pid"
