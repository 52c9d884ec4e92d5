#!/usr/bin/env bash
# In-process policy evaluation, StepUp vs Cedar, in one invocation, one after the other:
#   1. BenchmarkDotNet: PolicyEvaluationBenchmarks (examples/policy.yaml, 4 requests; median, allocations)
#   2. node bench/cedar/bench.js: the same policy in Cedar (cedar-wasm 4.13.0, preparsed policy set,
#      statefulIsAuthorized), same 4 requests, mean µs per call
# then prints both figures side by side with the ratio.
#
#   bench/policy-eval.sh                 # full run (BenchmarkDotNet default job; Cedar 200k calls per request)
#   CALLS=50000 bench/policy-eval.sh     # shorter Cedar run
# BenchmarkDotNet artifacts go to a temp dir (nothing is left in the tree).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$(mktemp -d -t stepup-policy-bench.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), .NET SDK $(dotnet --version), node $(node --version)"
"$ROOT/bench/wait-quiet.sh"

echo "== building bench/StepUp.Benchmarks (Release)"
dotnet build "$ROOT/bench/StepUp.Benchmarks/StepUp.Benchmarks.csproj" -c Release -o "$TMP/bin" -nologo -v quiet >"$TMP/build.log" 2>&1 \
  || { cat "$TMP/build.log"; exit 1; }

echo "== 1/2 StepUp: BenchmarkDotNet, PolicyEvaluationBenchmarks (in-process toolchain)"
(cd "$TMP" && STEPUP_BENCH_POLICY="$ROOT/examples/policy.yaml" dotnet "$TMP/bin/StepUp.Benchmarks.dll" --filter '*PolicyEvaluationBenchmarks*' --inProcess \
  --artifacts "$TMP/bdn" --exporters json) >"$TMP/bdn.log" 2>&1 || { cat "$TMP/bdn.log"; exit 1; }
sed -n '/^| Method/,/^$/p' "$TMP/bdn.log"
if grep -q '| *NA *|' "$TMP/bdn.log"; then echo "BenchmarkDotNet failed:"; grep -iE -B2 -A10 'exception' "$TMP/bdn.log" | head -40; exit 1; fi
echo "== 1b StepUp: thread CPU time per evaluation (-- cpu; not inflated by a busy machine)"
(cd "$TMP" && STEPUP_BENCH_POLICY="$ROOT/examples/policy.yaml" dotnet "$TMP/bin/StepUp.Benchmarks.dll" cpu) | tee "$TMP/cpu.txt"
echo "== 1c StepUp: where an evaluation allocates (-- alloc, summary)"
(cd "$TMP" && STEPUP_BENCH_POLICY="$ROOT/examples/policy.yaml" dotnet "$TMP/bin/StepUp.Benchmarks.dll" alloc) >"$TMP/alloc.txt"
grep -E 'PolicyEngine.Evaluate|^foreach|^indexed|^new PolicyEvaluation|^Evaluate allocates' "$TMP/alloc.txt"
STEPUP_JSON=$(ls "$TMP"/bdn/results/*PolicyEvaluationBenchmarks*-report-full-compressed.json 2>/dev/null || ls "$TMP"/bdn/results/*PolicyEvaluationBenchmarks*.json | head -1)

echo "== 2/2 Cedar: node bench/cedar/bench.js"
if [[ ! -d "$ROOT/bench/cedar/node_modules/@cedar-policy/cedar-wasm" ]]; then
  (cd "$ROOT/bench/cedar" && npm ci --no-audit --no-fund >/dev/null)
fi
"$ROOT/bench/wait-quiet.sh"
node "$ROOT/bench/cedar/bench.js" | tee "$TMP/cedar.txt"

echo
echo "== policy evaluation, examples/policy.yaml (13 rules), per request"
node - "$STEPUP_JSON" "$TMP/cedar.txt" "$TMP/cpu.txt" "$TMP/alloc.txt" <<'JS'
const fs = require('node:fs');
const [bdnPath, cedarPath, cpuPath, allocPath] = process.argv.slice(2);
const resultBytes = Number(/^new PolicyEvaluation.*?([\d.]+) B/m.exec(fs.readFileSync(allocPath, 'utf8'))?.[1] ?? NaN);
const bdn = JSON.parse(fs.readFileSync(bdnPath, 'utf8'));
const cedar = {}, cedarCpu = {}, stepupCpu = {};
for (const line of fs.readFileSync(cedarPath, 'utf8').split('\n')) {
  const m = /^CEDAR (\S+)\s+([\d.]+) us\/call\s+\(process CPU ([\d.]+)/.exec(line);
  if (m) { cedar[m[1]] = Number(m[2]); cedarCpu[m[1]] = Number(m[3]); }
}
for (const line of fs.readFileSync(cpuPath, 'utf8').split('\n')) {
  const m = /^CPU (\S+)\s+min\s+([\d.]+) ns\s+median\s+([\d.]+) ns/.exec(line);
  if (m) stepupCpu[m[1]] = Number(m[3]);
}
const rows = [];
for (const b of bdn.Benchmarks) {
  const name = /Case=([^,)\]]+)/.exec(b.Parameters)?.[1] ?? b.Parameters;
  if (!b.Statistics) { console.error(`no BenchmarkDotNet result for ${name}`); process.exit(1); }
  rows.push({ name, medianNs: b.Statistics.Median, meanNs: b.Statistics.Mean, bytes: b.Memory.BytesAllocatedPerOperation,
    cedarUs: cedar[name], cedarCpuUs: cedarCpu[name], cpuNs: stepupCpu[name] });
}
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log('wall clock: StepUp = BenchmarkDotNet median/mean, Cedar = mean over its timed calls; CPU: thread (StepUp) / process (Cedar) CPU time per call');
console.log(pad('request', 22) + lpad('StepUp median', 15) + lpad('StepUp mean', 13) + lpad('alloc/op', 10) + lpad('Cedar mean', 13) +
  lpad('Cedar/StepUp', 14) + lpad('StepUp CPU', 12) + lpad('Cedar CPU', 12) + lpad('CPU ratio', 11));
const avg = (f) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
const line = (name, medianUs, meanUs, bytes, cedarUs, cpuUs, cedarCpuUs) => console.log(pad(name, 22) +
  lpad(medianUs.toFixed(3) + ' µs', 15) + lpad(meanUs === null ? '' : meanUs.toFixed(3) + ' µs', 13) + lpad(bytes === null ? '' : bytes + ' B', 10) +
  lpad(cedarUs.toFixed(2) + ' µs', 13) + lpad((cedarUs / medianUs).toFixed(0) + 'x', 14) +
  lpad(cpuUs.toFixed(3) + ' µs', 12) + lpad(cedarCpuUs.toFixed(2) + ' µs', 12) + lpad((cedarCpuUs / cpuUs).toFixed(0) + 'x', 11));
for (const r of rows) line(r.name, r.medianNs / 1000, r.meanNs / 1000, r.bytes, r.cedarUs, r.cpuNs / 1000, r.cedarCpuUs);
const avgMedianUs = avg((r) => r.medianNs) / 1000;
line('average', avgMedianUs, null, null, avg((r) => r.cedarUs), avg((r) => r.cpuNs) / 1000, avg((r) => r.cedarCpuUs));
console.log(`target: StepUp median <= 2 µs per evaluation: ${rows.every(r => r.medianNs <= 2000) ? 'met' : 'MISSED'}; ` +
  `<= 1 allocation per evaluation: ${rows.every(r => r.bytes <= resultBytes) ? 'met' : 'MISSED'} ` +
  `(the one allowed allocation is the ${resultBytes} B PolicyEvaluation result; '-- alloc' shows where any other byte comes from)`);
console.log(`native Cedar (Rust, published): 5-11 µs per authorization; vs StepUp average median: ${(5 / avgMedianUs).toFixed(0)}-${(11 / avgMedianUs).toFixed(0)}x`);
JS
