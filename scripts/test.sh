#!/usr/bin/env bash
# Runs every StepUp test. Installs what the tests need when it is missing, starts the servers they
# need on loopback in temporary directories, runs `dotnet test`, and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

# What the suite needs, as "command:Debian package": a package is installed only when its command
# is missing (so a NodeSource node that ships its own npm is left alone).
NEEDS=(
  sqlite3:sqlite3          # SQLite shell (operations docs, debugging)
  chromium:chromium        # headless browser tests (Playwright drives Debian's Chromium)
  rsyslogd:rsyslog         # the syslog sink's real receiver
  oathtool:oathtool        # TOTP oracle
  rsvg-convert:librsvg2-bin zbarimg:zbar-tools   # QR code rendering and decoding
  mmdblookup:mmdb-bin      # MaxMind DB oracle
  node:nodejs npm:npm      # @simplewebauthn/server and jose cross-checks
  prometheus:prometheus promtool:prometheus   # /metrics lint, rules/config checks, a real scrape
  nginx:nginx              # forward auth behind a real nginx (deploy/nginx/stepup.conf)
  psql:postgresql          # the PostgreSQL store (a private server is started below)
)
missing=()
for need in "${NEEDS[@]}"; do
  command -v "${need%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${need%%:*}" ] || missing+=("${need#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  # The prometheus package may start its own service on :9090 (and node-exporter on :9100). The
  # tests start their own Prometheus on a free loopback port, so stop what this install started.
  if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now prometheus.service prometheus-node-exporter.service >/dev/null 2>&1 || true
  fi
fi

command -v dotnet >/dev/null || { echo "dotnet SDK 10 is required" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# A private PostgreSQL server for the store tests: a fresh cluster in a temporary directory, owned by
# the postgres user (initdb refuses root), on a free loopback port, stopped when the script ends.
start_postgres() {
  local bin port dir run_as=()
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
  dir=$(mktemp -d /tmp/stepup-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000)))
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; run_as=(su postgres -s /bin/sh -c); else run_as=(sh -c); fi
  "${run_as[@]}" "$bin/initdb -D '$dir/data' -A trust -U postgres --no-sync >'$dir/initdb.log' 2>&1"
  "${run_as[@]}" "$bin/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -o \"-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c fsync=on -c max_connections=200\" start >/dev/null"
  PG_DIR=$dir PG_BIN=$bin
  export STEPUP_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  # Tests that stop and restart the server run "$STEPUP_TEST_POSTGRES_BIN/pg_ctl -D $STEPUP_TEST_POSTGRES_DATA" (as postgres when root).
  export STEPUP_TEST_POSTGRES_BIN=$bin STEPUP_TEST_POSTGRES_DATA=$dir/data
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
}
stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$PG_DIR/data' -m immediate stop" >/dev/null 2>&1 || true
  else "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$PG_DIR"
}

log "building"
dotnet build StepUp.slnx -c Release -nologo -v quiet

start_postgres
log "testing"
out=$(mktemp)
trap 'rm -f "$out"; stop_postgres' EXIT
set +e
dotnet test StepUp.slnx -c Release --no-build -nologo 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

# Sum the per-assembly result lines ("Passed!  - Failed: 0, Passed: 42, ...") into one line.
passed=$(grep -Eo 'Passed: +[0-9]+' "$out" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$out" | awk '{s+=$2} END {print s+0}')
echo
echo "tests: ${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
