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

log "building"
dotnet build StepUp.slnx -c Release -nologo -v quiet

log "testing"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
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
