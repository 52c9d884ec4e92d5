#!/usr/bin/env bash
# CPU profile of StepUp under the HTTP load of run.sh, to explain its figures (docs/benchmarks.md).
# Builds StepUp.Server (Release), starts it like run.sh does (fresh SQLite in a temp dir, which is
# also its working directory, as with the README's ./data), drives it with wrk + decision.lua and
# samples the server with `perf record -e cpu-clock -g` for PERF_SECONDS. JIT frames are resolved
# through DOTNET_PerfMapEnabled=1 (and W^X off so perf can map them). Prints CPU by thread, by
# library, and the inclusive share of the main managed stages.
#
#   bench/http/profile.sh                     # PERF_SECONDS=10, wrk -t2 -c64
#   KEEP=1 bench/http/profile.sh              # keep perf.data (path printed) for `perf report -i …`
#   BENCH_AMOUNT=50 bench/http/profile.sh     # profile an allowed decision instead of the README's step_up
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/http"
PERF_SECONDS="${PERF_SECONDS:-10}"
STRACE_SECONDS="${STRACE_SECONDS:-5}"
CONNECTIONS="${CONNECTIONS:-64}"
API_KEY="bench-$(date +%s)-$RANDOM"
TMP="$(mktemp -d -t stepup-http-profile.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  [[ -n "$SERVER_PID" ]] && rm -f "/tmp/perf-$SERVER_PID.map"   # the runtime's perf map (a copy stays in $TMP with KEEP=1)
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$TMP"; else echo "kept $TMP"; fi
}
trap cleanup EXIT
command -v perf >/dev/null || { echo "perf is needed (apt-get install -y linux-perf)"; exit 1; }
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null

dotnet build "$ROOT/src/StepUp.Server/StepUp.Server.csproj" -c Release -o "$TMP/server" -nologo -v quiet >"$TMP/build.log" 2>&1 \
  || { cat "$TMP/build.log"; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
mkdir -p "$TMP/data"
(cd "$TMP" && DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 exec dotnet "$TMP/server/StepUp.Server.dll" --urls "$URL" \
  --StepUp:ApiKey="$API_KEY" --StepUp:PolicyPath="$ROOT/examples/policy.yaml" \
  --StepUp:Storage:ConnectionString="Data Source=$TMP/data/stepup.db" --Logging:LogLevel:Default=Warning) >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
"$ROOT/bench/wait-quiet.sh"
BENCH_API_KEY="$API_KEY" wrk -t2 -c"$CONNECTIONS" -d10s -s "$HERE/decision.lua" "$URL/v1/decisions" | grep '^WRK' | sed 's/^/warm-up /'
BENCH_API_KEY="$API_KEY" wrk -t2 -c"$CONNECTIONS" -d$((PERF_SECONDS + 4))s -s "$HERE/decision.lua" "$URL/v1/decisions" >"$TMP/wrk.txt" &
WRK_PID=$!
sleep 2
perf record -e cpu-clock -F 999 -g -p "$SERVER_PID" -o "$TMP/perf.data" -- sleep "$PERF_SECONDS" >"$TMP/perf.log" 2>&1
wait "$WRK_PID"
grep '^WRK' "$TMP/wrk.txt" | sed 's/^/profiled /'
# perf needs the map while the process lives; copy it next to perf.data for KEEP=1.
cp "/tmp/perf-$SERVER_PID.map" "$TMP/" 2>/dev/null || true

report() { perf report -i "$TMP/perf.data" --stdio "$@" 2>/dev/null | grep -v '^#' | grep -v '^$'; }
echo; echo "== server CPU by thread (share of all samples)"
report --no-children --sort comm -g none | head -8
echo; echo "== by library"
report --no-children --sort dso -g none | head -10
echo; echo "== inclusive share of the main stages (managed frames and the syscalls under them; async continuations"
echo "   run from the thread pool, so an async method's share covers only its synchronous parts)"
report --children --sort sym -g none >"$TMP/inclusive.txt"
for pattern in \
  'HttpProtocol+<ProcessRequests>' 'JsonBody+<ReadAsync>' 'DecisionRequestReader::Read' 'PolicyEngine::Evaluate' \
  'SqliteSubjectStore+<GetAsync>' 'ElevationResolver+<ResolveAsync>' 'ChallengeIssuer+<AvailableMethodsAsync>' \
  'SqliteChallengeStore+<AddAsync>' 'SqliteDatabase+<OpenConnectionAsync>' \
  'DecisionAudit::Evaluated' 'AuditEventDraft::ToCanonicalPayload' 'SqliteAuditAppender::Commit(' \
  'DecisionResult+<ExecuteAsync>' 'ApiKeyAuthenticator+<AuthenticateAsync>' \
  '[k] __x64_sys_pwrite64' '[k] __x64_sys_fsync' '[k] __fsnotify_parent' '[k] __x64_sys_sched_yield' '[k] __x64_sys_sendto' '[k] __x64_sys_futex'; do
  share=$( (grep -F -- "$pattern" "$TMP/inclusive.txt" || true) | awk '{gsub("%","",$1); if ($1 > m) m = $1} END {printf "%.1f", m + 0}')
  printf '  %6s%%  %s\n' "$share" "$pattern"
done

if (( STRACE_SECONDS > 0 )) && command -v strace >/dev/null; then
  echo; echo "== system calls of the server during ${STRACE_SECONDS}s of load (strace -f -c)"
  BENCH_API_KEY="$API_KEY" wrk -t2 -c"$CONNECTIONS" -d$((STRACE_SECONDS + 3))s -s "$HERE/decision.lua" "$URL/v1/decisions" >"$TMP/wrk-strace.txt" &
  WRK_PID=$!
  sleep 1
  before=$(sqlite3 "$TMP/data/stepup.db" "SELECT count(*) FROM audit_events WHERE type = 'decision.evaluated'" 2>/dev/null || echo 0)
  timeout -s INT "$STRACE_SECONDS" strace -f -c -e trace=fsync,fdatasync,pwrite64,pread64,fcntl,clock_nanosleep,nanosleep \
    -p "$SERVER_PID" -o "$TMP/strace.txt" 2>/dev/null || true
  after=$(sqlite3 "$TMP/data/stepup.db" "SELECT count(*) FROM audit_events WHERE type = 'decision.evaluated'" 2>/dev/null || echo 0)
  wait "$WRK_PID"
  echo "decisions audited in that window: $((after - before))"
  sed -n '1,12p' "$TMP/strace.txt"
fi
