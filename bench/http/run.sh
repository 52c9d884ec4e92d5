#!/usr/bin/env bash
# HTTP load benchmark: StepUp's POST /v1/decisions against a bare Kestrel baseline that parses the
# same JSON and answers a constant (bench/StepUp.Bench.Baseline). Loopback only, bounded runs.
#
#   bench/http/run.sh                       # defaults: wrk -t2 -c64 -d20s, 5 s warm-up each
#   DURATION=10s CONNECTIONS=32 bench/http/run.sh
#   ALLOW_RUN=0 bench/http/run.sh           # skip the third pass (StepUp, a request the policy allows)
#
# For each server in turn (never both at once): build (Release, into a temp dir), start on a free
# loopback port, wait for /healthz, warm up, run wrk with decision.lua, stop. StepUp runs with a
# fresh SQLite database in a temp dir (every decision is fsync'd through the audit group commit);
# afterwards the script checks GET /v1/audit/verify says ok and that the number of
# decision.evaluated events is >= the number of requests wrk completed. Prints both side by side.
# A third pass (same StepUp process, after the first) posts a 50 EUR transfer that the policy
# allows, to separate the cost of a step_up (elevation lookup, challenge row) from the rest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/http"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-5s}"
ALLOW_RUN="${ALLOW_RUN:-1}"
API_KEY="bench-$(date +%s)-$RANDOM"
TMP="$(mktemp -d -t stepup-http-bench.XXXXXX)"
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "== installing $2 (apt)"
    apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
  fi
}
need wrk wrk
need sqlite3 sqlite3
need curl curl

free_port() { python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(dotnet --version) SDK"
echo "== building StepUp.Server and StepUp.Bench.Baseline (Release) into $TMP"
dotnet build "$ROOT/src/StepUp.Server/StepUp.Server.csproj" -c Release -o "$TMP/server" -nologo -v quiet >"$TMP/build-server.log" 2>&1 \
  || { cat "$TMP/build-server.log"; exit 1; }
dotnet build "$ROOT/bench/StepUp.Bench.Baseline/StepUp.Bench.Baseline.csproj" -c Release -o "$TMP/baseline" -nologo -v quiet >"$TMP/build-baseline.log" 2>&1 \
  || { cat "$TMP/build-baseline.log"; exit 1; }

wait_healthy() {
  local url="$1"
  for _ in $(seq 1 120); do
    if curl -fsS "$url/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "server exited during start-up:"; cat "$TMP/server.log"; exit 1; fi
    sleep 0.5
  done
  echo "server did not answer $url/healthz within 60 s"; cat "$TMP/server.log"; exit 1
}

stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }          # utime + stime, in clock ticks
machine_busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
TCK=$(getconf CLK_TCK)

# run_wrk NAME URL [AMOUNT] → sets REQS RPS P50 P99 NON200 (from decision.lua's WRK line), WARM_REQS WARM_NON200
# (warm-up), and CPU accounting of the timed run: SRV_US (server CPU µs per request), WRK_CPU,
# SRV_CPU, OTHER_CPU (seconds of CPU used by the server, wrk and everything else on the machine).
run_wrk() {
  local name="$1" url="$2"
  export BENCH_AMOUNT="${3:-12000}"
  "$ROOT/bench/wait-quiet.sh"
  echo "== $name: warm-up $WARMUP, then wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
  BENCH_API_KEY="$API_KEY" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$HERE/decision.lua" "$url/v1/decisions" >"$TMP/$name-warmup.txt"
  WARM_REQS=$(sed -n 's/^WRK requests=\([0-9]*\).*/\1/p' "$TMP/$name-warmup.txt")
  WARM_NON200=$(sed -n 's/^WRK .*non200=\([0-9]*\).*/\1/p' "$TMP/$name-warmup.txt")
  local s0 m0 s1 m1
  s0=$(proc_ticks "$SERVER_PID"); m0=$(machine_busy_ticks)
  BENCH_API_KEY="$API_KEY" /usr/bin/time -f '%U %S' -o "$TMP/$name-wrk-cpu.txt" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$HERE/decision.lua" "$url/v1/decisions" | tee "$TMP/$name-wrk.txt"
  s1=$(proc_ticks "$SERVER_PID"); m1=$(machine_busy_ticks)
  local line
  line=$(grep '^WRK ' "$TMP/$name-wrk.txt")
  REQS=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
  NON200=$(sed -n 's/.*non200=\([0-9]*\).*/\1/p' <<<"$line")
  RPS=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$line")
  P50=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$line")
  P99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")
  SRV_CPU=$(awk -v a="$s0" -v b="$s1" -v t="$TCK" 'BEGIN { printf "%.2f", (b - a) / t }')
  WRK_CPU=$(awk '{ printf "%.2f", $1 + $2 }' "$TMP/$name-wrk-cpu.txt")
  OTHER_CPU=$(awk -v a="$m0" -v b="$m1" -v t="$TCK" -v s="$SRV_CPU" -v w="$WRK_CPU" 'BEGIN { o = (b - a) / t - s - w; printf "%.2f", (o < 0 ? 0 : o) }')
  SRV_US=$(awk -v c="$SRV_CPU" -v n="$REQS" 'BEGIN { printf "%.1f", (n > 0 ? c * 1e6 / n : 0) }')
  echo "== $name CPU during the timed run: server ${SRV_CPU}s (${SRV_US} µs/request), wrk ${WRK_CPU}s, other processes ${OTHER_CPU}s"
  if grep -q 'Socket errors' "$TMP/$name-wrk.txt"; then echo "!! $name: wrk reported socket errors (see above)"; fi
}

# --- 1. baseline -------------------------------------------------------------------------------
PORT=$(free_port)
BASE_URL="http://127.0.0.1:$PORT"
(cd "$TMP" && exec dotnet "$TMP/baseline/StepUp.Bench.Baseline.dll" --urls "$BASE_URL" --Logging:LogLevel:Default=Warning) >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
wait_healthy "$BASE_URL"
run_wrk baseline "$BASE_URL"
B_REQS=$REQS B_RPS=$RPS B_P50=$P50 B_P99=$P99 B_NON200=$NON200 B_US=$SRV_US B_OTHER=$OTHER_CPU
stop_server

# --- 2. StepUp ---------------------------------------------------------------------------------
PORT=$(free_port)
STEPUP_URL="http://127.0.0.1:$PORT"
mkdir -p "$TMP/data"
(cd "$TMP" && exec dotnet "$TMP/server/StepUp.Server.dll" --urls "$STEPUP_URL" \
  --StepUp:ApiKey="$API_KEY" \
  --StepUp:PolicyPath="$ROOT/examples/policy.yaml" \
  --StepUp:Storage:ConnectionString="Data Source=$TMP/data/stepup.db" \
  --Logging:LogLevel:Default=Warning) >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
wait_healthy "$STEPUP_URL"
echo "== StepUp sample answer:"
curl -fsS "$STEPUP_URL/v1/decisions" -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
  -d '{"subject":{"id":"alice","session_id":"s-123"},"action":"payments.transfer","resource":{"type":"transfer","id":"t-9","attributes":{"amount":12000}},"context":{"ip":"81.2.69.142","device_id":"d-1"}}'
echo
SAMPLE_REQS=1
run_wrk stepup "$STEPUP_URL"
S_REQS=$REQS S_RPS=$RPS S_P50=$P50 S_P99=$P99 S_NON200=$NON200 S_US=$SRV_US S_OTHER=$OTHER_CPU S_WARM=$WARM_REQS S_WARM_NON200=$WARM_NON200
A_REQS=0 A_WARM=0 A_NON200=0 A_WARM_NON200=0
if [[ "$ALLOW_RUN" == 1 ]]; then
  run_wrk stepup-allow "$STEPUP_URL" 50
  A_REQS=$REQS A_RPS=$RPS A_P50=$P50 A_P99=$P99 A_NON200=$NON200 A_US=$SRV_US A_OTHER=$OTHER_CPU A_WARM=$WARM_REQS A_WARM_NON200=$WARM_NON200
fi
VERIFY=$(curl -fsS "$STEPUP_URL/v1/audit/verify" -H "Authorization: Bearer $API_KEY")
stop_server
EVENTS=$(sqlite3 "$TMP/data/stepup.db" "SELECT count(*) FROM audit_events WHERE type = 'decision.evaluated';")
SENT=$((S_WARM + S_REQS + SAMPLE_REQS + A_WARM + A_REQS))

# --- report ------------------------------------------------------------------------------------
echo
echo "== POST /v1/decisions, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, loopback, $(nproc) cores (wrk shares them)"
printf '%-28s %12s %9s %9s %10s %8s %14s %12s\n' "server" "decisions/s" "p50 ms" "p99 ms" "requests" "non-200" "server CPU/req" "other CPU s"
printf '%-28s %12.0f %9.2f %9.2f %10d %8d %11s µs %12s\n' "baseline (Kestrel+JSON)" "$B_RPS" "$B_P50" "$B_P99" "$B_REQS" "$B_NON200" "$B_US" "$B_OTHER"
printf '%-28s %12.0f %9.2f %9.2f %10d %8d %11s µs %12s\n' "StepUp, README req (step_up)" "$S_RPS" "$S_P50" "$S_P99" "$S_REQS" "$S_NON200" "$S_US" "$S_OTHER"
if [[ "$ALLOW_RUN" == 1 ]]; then
  printf '%-28s %12.0f %9.2f %9.2f %10d %8d %11s µs %12s\n' "StepUp, 50 EUR (allow)" "$A_RPS" "$A_P50" "$A_P99" "$A_REQS" "$A_NON200" "$A_US" "$A_OTHER"
fi
awk -v s="$S_RPS" -v b="$B_RPS" -v s50="$S_P50" -v b50="$B_P50" -v s99="$S_P99" -v b99="$B_P99" -v su="$S_US" -v bu="$B_US" \
  'BEGIN { printf "ratio StepUp/baseline (README request): throughput %.3fx (target >= 0.3x), p50 %.2fx, p99 %.2fx, server CPU per request %.2fx\n", s/b, s50/b50, s99/b99, su/bu }'
if [[ "$ALLOW_RUN" == 1 ]]; then
  awk -v s="$A_RPS" -v b="$B_RPS" -v su="$A_US" -v bu="$B_US" \
    'BEGIN { printf "ratio StepUp/baseline (allowed request): throughput %.3fx, server CPU per request %.2fx\n", s/b, su/bu }'
fi
echo "audit verify: $VERIFY"
echo "decision.evaluated events: $EVENTS; StepUp requests completed: $SENT (warm-up $S_WARM + timed $S_REQS + 1 sample + allow pass $A_WARM + $A_REQS)"
STATUS=0
if ! grep -q '"ok":true' <<<"$VERIFY"; then echo "!! audit chain does not verify"; STATUS=1; fi
if (( EVENTS < SENT )); then echo "!! fewer decision.evaluated events ($EVENTS) than completed requests ($SENT)"; STATUS=1; fi
if (( S_NON200 > 0 || B_NON200 > 0 || S_WARM_NON200 > 0 || A_NON200 > 0 || A_WARM_NON200 > 0 )); then echo "!! some answers were not 200"; STATUS=1; fi
(( STATUS == 0 )) && echo "audit check: ok (every completed decision is in the verified chain)"
exit $STATUS
