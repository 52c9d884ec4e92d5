#!/usr/bin/env node
// Cedar baseline for StepUp's in-process policy evaluation benchmark.
//
// Loads policies.cedar (examples/policy.yaml translated to Cedar), preparses it once with
// preparsePolicySet, then times statefulIsAuthorized for the four requests of requests.json (the
// same four requests as bench/StepUp.Benchmarks/PolicyEvaluationBenchmarks.cs): warm-up, then
// CALLS timed calls in all (CALLS / 4 per request), mean µs per call. Before timing, every request's Cedar answer is
// combined the way StepUp combines rules (any deny → deny, else any step_up → step_up with the
// highest level) and checked against the expected StepUp decision, so both sides decide the same.
//
//   npm ci && node bench.js            (CALLS=200000 timed calls in all, WARMUP=5000 per request)
//   CALLS=40000 node bench.js          (shorter run)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const CALLS = Number(process.env.CALLS ?? 200000);
const WARMUP = Number(process.env.WARMUP ?? 5000);
const PSET_ID = 'stepup-example';

function fail(message, detail) {
  console.error('cedar bench: ' + message + (detail ? '\n' + JSON.stringify(detail, null, 2) : ''));
  process.exit(1);
}

// Split the file into policies keyed by their @id annotation, so that diagnostics.reason names
// StepUp rule ids, and keep each policy's annotations (effect, level) for the combination step.
const text = fs.readFileSync(path.join(__dirname, 'policies.cedar'), 'utf8');
const parts = cedar.policySetTextToParts(text);
if (parts.type !== 'success') fail('policies.cedar does not parse', parts.errors);
const policies = {};
const annotations = {};
for (const policyText of parts.policies) {
  const json = cedar.policyToJson(policyText);
  if (json.type !== 'success') fail('policy does not convert to JSON', json.errors);
  const id = json.json.annotations?.id;
  if (!id) fail('every policy needs an @id annotation', policyText);
  policies[id] = policyText;
  annotations[id] = json.json.annotations;
}

const preparsed = cedar.preparsePolicySet(PSET_ID, { staticPolicies: policies });
if (preparsed.type !== 'success') fail('preparsePolicySet failed', preparsed.errors);

const requests = JSON.parse(fs.readFileSync(path.join(__dirname, 'requests.json'), 'utf8')).cases;
const LEVELS = { aal1: 1, aal2: 2, aal3: 3 };

// StepUp's combination over the Cedar answer: forbids that applied are the StepUp rules that applied.
function combine(answer) {
  if (answer.type !== 'success') fail('statefulIsAuthorized failed', answer.errors);
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) fail('policy evaluation errors', diagnostics.errors);
  if (decision === 'allow') return { decision: 'allow', rules: [] };
  const rules = diagnostics.reason.slice().sort();
  let effect = 'allow';
  let level = 'aal1';
  for (const id of rules) {
    const a = annotations[id];
    if (a.effect === 'deny') effect = 'deny';
    else if (a.effect === 'step_up') {
      if (effect !== 'deny') effect = 'step_up';
      if (LEVELS[a.level] > LEVELS[level]) level = a.level;
    }
  }
  return effect === 'step_up' ? { decision: effect, level, rules } : { decision: effect, rules };
}

const calls = requests.map((r) => ({
  name: r.name,
  expect: r.expect,
  call: {
    principal: r.principal,
    action: r.action,
    resource: r.resource,
    context: r.context,
    entities: r.entities,
    preparsedPolicySetId: PSET_ID,
  },
}));

for (const { name, expect, call } of calls) {
  const got = combine(cedar.statefulIsAuthorized(call));
  const want = { ...expect, rules: expect.rules.slice().sort() };
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${name}: Cedar decided differently from StepUp`, { got, want });
}

// Wall-clock µs per call; lastCpuUs gets the process CPU µs per call (user + system) of the same
// loop, which a busy machine does not inflate the way it inflates wall-clock time.
let lastCpuUs = 0;
function time(call, n) {
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const answer = cedar.statefulIsAuthorized(call);
    if (answer.type === 'success') sink++;
  }
  const elapsed = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpu0);
  if (sink !== n) fail('a timed call failed');
  lastCpuUs = (cpu.user + cpu.system) / n;
  return elapsed / n / 1000; // µs per call
}

console.log(`Cedar ${cedar.getCedarVersion()} (cedar-wasm SDK ${cedar.getCedarSDKVersion()}), node ${process.version}`);
const perRequest = Math.max(1, Math.floor(CALLS / calls.length));
console.log(`${Object.keys(policies).length} policies preparsed as '${PSET_ID}'; per request ${WARMUP} warm-up + ${perRequest} timed calls (${perRequest * calls.length} timed in all)`);
const results = [];
const cpuResults = [];
for (const { name, call } of calls) {
  time(call, WARMUP);
  const us = time(call, perRequest);
  results.push(us);
  cpuResults.push(lastCpuUs);
  console.log(`CEDAR ${name.padEnd(22)} ${us.toFixed(3)} us/call   (process CPU ${lastCpuUs.toFixed(3)} us/call)`);
}
const mean = results.reduce((a, b) => a + b, 0) / results.length;
const cpuMean = cpuResults.reduce((a, b) => a + b, 0) / cpuResults.length;
console.log(`CEDAR ${'mean'.padEnd(22)} ${mean.toFixed(3)} us/call   (process CPU ${cpuMean.toFixed(3)} us/call)`);

// For context, not part of the comparison: the same calls against a one-policy set
// (`permit(principal, action, resource);`). This is what cedar-wasm costs before any of the 13
// rules is evaluated: crossing into wasm, turning the JS request, context and entities into
// Cedar values, and the answer back into JS.
if (process.env.FLOOR !== '0') {
  const floorCalls = Math.max(1, Math.floor(perRequest / 4));
  const floor = cedar.preparsePolicySet('floor', { staticPolicies: { floor: 'permit (principal, action, resource);' } });
  if (floor.type !== 'success') fail('preparsePolicySet(floor) failed', floor.errors);
  const floors = [];
  const floorCpu = [];
  for (const { call } of calls) {
    const c = { ...call, preparsedPolicySetId: 'floor' };
    time(c, WARMUP);
    floors.push(time(c, floorCalls));
    floorCpu.push(lastCpuUs);
  }
  const floorMean = floors.reduce((a, b) => a + b, 0) / floors.length;
  const floorCpuMean = floorCpu.reduce((a, b) => a + b, 0) / floorCpu.length;
  console.log(`CEDAR-FLOOR one-permit set, same requests: ${floorMean.toFixed(3)} us/call mean, process CPU ${floorCpuMean.toFixed(3)} us/call ` +
    `(${floorCalls} calls per request) → the 13 rules themselves ≈ ${(mean - floorMean).toFixed(3)} us/call (CPU ${(cpuMean - floorCpuMean).toFixed(3)})`);
}
