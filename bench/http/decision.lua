-- wrk script for POST /v1/decisions (bench/http/run.sh).
-- Posts the README's decision request (a 12,000 transfer → step_up) with the bearer key in
-- $BENCH_API_KEY; BENCH_AMOUNT=50 makes it a small transfer that the example policy allows.
-- Each request gets its own resource id and one of 1,000 subjects/sessions, so nothing
-- downstream can cache a single request. No device_id: a device never verified on would make
-- every request a risk.new_device step-up (issue 5), and the allow pass would measure nothing.
-- Counts non-2xx answers and prints them at the end.
--   BENCH_API_KEY=… wrk -t2 -c64 -d20s --latency -s decision.lua http://127.0.0.1:PORT/v1/decisions

local key = os.getenv("BENCH_API_KEY") or "bench-key"
local amount = tonumber(os.getenv("BENCH_AMOUNT") or "12000")
local threads = {}
local counter = 0
local prefix = "w"

local template = '{"subject":{"id":"user-%d","session_id":"s-%d"},' ..
  '"action":"payments.transfer",' ..
  '"resource":{"type":"transfer","id":"t-%s-%d","attributes":{"amount":%d}},' ..
  '"context":{"ip":"81.2.69.142"}}'

function setup(thread)
  thread:set("prefix", "w" .. #threads)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
  bad = 0
end

function request()
  counter = counter + 1
  local user = counter % 1000
  local body = string.format(template, user, user, prefix, counter, amount)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + (thread:get("bad") or 0)
  end
  io.write(string.format("WRK requests=%d non200=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, bad_total, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
