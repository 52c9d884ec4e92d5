#!/usr/bin/env bash
# Runs every StepUp test. Installs what the tests need when it is missing, starts the servers they
# need on loopback in temporary directories, runs `dotnet test`, and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

# Debian packages the suite needs (later issues add postgresql, chromium, nginx, prometheus, ...).
APT_PACKAGES=(sqlite3 chromium)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
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
