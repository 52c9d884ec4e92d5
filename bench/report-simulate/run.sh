#!/usr/bin/env bash
# SOC 2 report and policy simulation over a 1,000,000-decision SQLite trail (issue 8), through the
# real CLI, each under /usr/bin/time -v (wall time, CPU time, peak RSS):
#   1. stepup report soc2 over the whole trail (--pdf too when RENDER_PDF=1)
#   2. stepup policy simulate with a candidate that raises the large-transfer threshold
# Seeds the trail once with SeedTrail.cs (about 2 minutes) and reuses it.
#
#   bench/report-simulate/run.sh                 # 1,000,000 decisions (1,438,826 events)
#   DECISIONS=100000 bench/report-simulate/run.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DECISIONS="${DECISIONS:-1000000}"
DIR="${TMPDIR:-/tmp}/stepup-report-bench"
DB="$DIR/trail-$DECISIONS.db"
BIN="$DIR/bin"

[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), .NET SDK $(dotnet --version)"
if [ ! -f "$DB" ]; then
  echo "== seeding $DB"
  dotnet run -c Release "$ROOT/bench/report-simulate/SeedTrail.cs" -- "$DECISIONS" "$DB"
fi

echo "== building src/StepUp.Cli (Release) into $BIN"
dotnet build "$ROOT/src/StepUp.Cli" -c Release -o "$BIN" -nologo -v quiet >"$DIR/build.log" 2>&1 || { cat "$DIR/build.log"; exit 1; }
sed 's/resource.attributes.amount >= 10000 || risk.new_device/resource.attributes.amount >= 20000 || risk.new_device/' \
  "$ROOT/examples/policy.yaml" >"$DIR/candidate.yaml"

measure() { # name, command...
  local name=$1; shift
  "$ROOT/bench/wait-quiet.sh"
  /usr/bin/time -v "$@" 2>"$DIR/$name.time" >"$DIR/$name.out" || { cat "$DIR/$name.out" "$DIR/$name.time"; exit 1; }
  printf '%s: %s s wall, %s s user + %s s sys, peak RSS %s MiB\n' "$name" \
    "$(awk -F': ' '/Elapsed \(wall/ {split($2,t,":"); s=0; for(i=1;i<=length(t);i++) s=s*60+t[i]; print s}' "$DIR/$name.time")" \
    "$(awk -F': ' '/User time/ {print $2}' "$DIR/$name.time")" "$(awk -F': ' '/System time/ {print $2}' "$DIR/$name.time")" \
    "$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$DIR/$name.time")"
}

PDF=()
[ "${RENDER_PDF:-0}" = 1 ] && PDF=(--pdf "$DIR/report.pdf")
measure report dotnet "$BIN/stepup.dll" report soc2 --from 2026-10-01T00:00:00Z --to 2026-11-01T00:00:00Z \
  --out "$DIR/report.html" "${PDF[@]}" --database "$DB" --seed 42
sed 's/^/   /' "$DIR/report.out"
measure simulate dotnet "$BIN/stepup.dll" policy simulate "$DIR/candidate.yaml" \
  --since 2026-10-01T00:00:00Z --until 2026-11-01T00:00:00Z --database "$DB" --json
decisions=$(grep -m1 '"decisions"' "$DIR/simulate.out" | tr -dc '0-9')
wall=$(awk -F': ' '/Elapsed \(wall/ {split($2,t,":"); s=0; for(i=1;i<=length(t);i++) s=s*60+t[i]; print s}' "$DIR/simulate.time")
echo "   $decisions decisions replayed = $(awk -v d="$decisions" -v w="$wall" 'BEGIN {printf "%.0f", d / w}') decisions/s (wall time including start-up)"
