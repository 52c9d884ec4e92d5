#!/usr/bin/env bash
# Durably-audited decisions/s: one StepUp node on SQLite, one node on PostgreSQL, two nodes on one
# PostgreSQL — in one run, on this machine (PostgreSQL, the nodes and wrk share its cores).
#
#   bench/postgres/run.sh                        # wrk -t2 -c64 -d15s per case, 5 s warm-up
#   DURATION=30s CONNECTIONS=128 bench/postgres/run.sh
#
# Starts a private PostgreSQL cluster (initdb in a temp dir, loopback, synchronous_commit=on,
# fsync=on), builds the server (Release), and for each case starts fresh node(s), warms up, runs wrk
# (two wrk processes, one per node, for the two-node case), then checks GET /v1/audit/verify and
# that the decision.evaluated events cover every request wrk completed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/postgres"
THREADS="${THREADS:-2}" CONNECTIONS="${CONNECTIONS:-64}" DURATION="${DURATION:-15s}" WARMUP="${WARMUP:-5s}"
KEY="bench-$RANDOM$RANDOM-0123456789"
SECRETS_KEY="$(head -c 32 /dev/urandom | base64)"
TMP="$(mktemp -d /tmp/stepup-pg-bench.XXXXXX)"; chmod 755 "$TMP"
PIDS=()
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  as_pg "$PG_BIN/pg_ctl -D $TMP/pg/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), dotnet $(dotnet --version), $("$PG_BIN/postgres" --version)"
dotnet build "$ROOT/src/StepUp.Server/StepUp.Server.csproj" -c Release -o "$TMP/server" -nologo -v quiet >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; exit 1; }
mkdir -p "$TMP/pg"; [ "$(id -u)" = 0 ] && chown postgres "$TMP/pg"
PG_PORT=$(free_port)
as_pg "$PG_BIN/initdb -D $TMP/pg/data -A trust -U postgres >/dev/null"
as_pg "$PG_BIN/pg_ctl -D $TMP/pg/data -l $TMP/pg/log -w -o \"-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$TMP/pg -c max_connections=300 -c shared_buffers=256MB\" start >/dev/null"
PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"

start_node() { # start_node NAME PORT ARGS... → appends pid
  local name=$1 port=$2; shift 2
  mkdir -p "$TMP/$name"
  (cd "$TMP/$name" && exec dotnet "$TMP/server/StepUp.Server.dll" --urls "http://127.0.0.1:$port" --StepUp:ApiKey="$KEY" \
     --Logging:LogLevel:Default=Warning "$@" >"$TMP/$name/log" 2>&1) &
  PIDS+=($!)
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return 0; sleep 0.5; done
  echo "node $name did not start"; cat "$TMP/$name/log"; exit 1
}
stop_nodes() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; PIDS=(); }
wrk_run() { # wrk_run URL DURATION CONNECTIONS OUT
  BENCH_API_KEY="$KEY" wrk -t"$THREADS" -c"$3" -d"$2" --latency -s "$HERE/read.lua" "$1/v1/decisions" >"$4"
}
requests() { awk '/^WRK /{print $2}' "$1"; }
errors() { awk '/^WRK /{print $3}' "$1"; }
check() { # check URL COMPLETED STORED: the chain verifies and every completed request was stored
  local verify
  verify=$(curl -fs -H "Authorization: Bearer $KEY" "$1/v1/audit/verify")
  echo "   verify: $verify; decision.evaluated stored: $3 (wrk completed $2 timed + warm-up)"
  [[ "$verify" == *'"ok":true'* ]] || { echo "!! chain did not verify"; exit 1; }
  [ "$3" -ge "$2" ] || { echo "!! fewer stored decisions than completed requests"; exit 1; }
}
stored() { # stored NAME → decision.evaluated events in that case's store
  case "$1" in
    sqlite-1) sqlite3 "$TMP/sqlite.db" "SELECT count(*) FROM audit_events WHERE type = 'decision.evaluated'" ;;
    postgres-1) as_pg "$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -d one -tAc \"SELECT count(*) FROM audit_events WHERE type = 'decision.evaluated'\"" ;;
    postgres-2) as_pg "$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -d two -tAc \"SELECT count(*) FROM audit_events WHERE type = 'decision.evaluated'\"" ;;
  esac
}

declare -A RPS
run_case() { # run_case NAME NODES ARGS...
  local name=$1 nodes=$2; shift 2
  local ports=() urls=()
  for i in $(seq 1 "$nodes"); do ports+=("$(free_port)"); done
  for i in $(seq 0 $((nodes - 1))); do start_node "$name-$i" "${ports[$i]}" "$@"; urls+=("http://127.0.0.1:${ports[$i]}"); done
  local pids=() total=0 bad=0 secs
  for url in "${urls[@]}"; do wrk_run "$url" "$WARMUP" $((CONNECTIONS / nodes)) "$TMP/$name-warm.txt" & pids+=($!); done
  wait "${pids[@]}"; pids=()
  for i in "${!urls[@]}"; do wrk_run "${urls[$i]}" "$DURATION" $((CONNECTIONS / nodes)) "$TMP/$name-$i.txt" & pids+=($!); done
  wait "${pids[@]}"
  for i in "${!urls[@]}"; do total=$((total + $(requests "$TMP/$name-$i.txt"))); bad=$((bad + $(errors "$TMP/$name-$i.txt"))); grep -E 'Latency|50%|99%' "$TMP/$name-$i.txt" | sed 's/^/   /'; done
  secs=${DURATION%s}
  RPS[$name]=$(awk -v t="$total" -v s="$secs" 'BEGIN{printf "%.0f", t/s}')
  echo "== $name: $total requests in $DURATION, $bad errors/non-2xx, ${RPS[$name]} decisions/s"
  check "${urls[0]}" "$total" "$(stored "$name")"
  stop_nodes
}

run_case sqlite-1 1 --StepUp:Storage:ConnectionString="Data Source=$TMP/sqlite.db"
as_pg "$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -qc 'CREATE DATABASE one' >/dev/null"
run_case postgres-1 1 --StepUp:Storage:Provider=postgres --StepUp:Storage:ConnectionString="$PG;Database=one" --StepUp:Secrets:Key="$SECRETS_KEY"
as_pg "$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -qc 'CREATE DATABASE two' >/dev/null"
run_case postgres-2 2 --StepUp:Storage:Provider=postgres --StepUp:Storage:ConnectionString="$PG;Database=two" --StepUp:Secrets:Key="$SECRETS_KEY"

echo
echo "| storage | nodes | decisions/s |"
echo "|---|---:|---:|"
echo "| SQLite (file, WAL, synchronous=FULL) | 1 | ${RPS[sqlite-1]} |"
echo "| PostgreSQL (synchronous_commit=on) | 1 | ${RPS[postgres-1]} |"
echo "| PostgreSQL (synchronous_commit=on) | 2 | ${RPS[postgres-2]} |"
