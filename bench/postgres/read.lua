-- wrk script for bench/postgres/run.sh: POST /v1/decisions for an action the example policy
-- allows (records.read), one of 1,000 subjects per request, bearer key from $BENCH_API_KEY.
-- Prints "WRK <requests> <non-2xx>" at the end for the script.
local key = os.getenv("BENCH_API_KEY") or "bench-key"
local counter = 0
local template = '{"subject":{"id":"user-%d","session_id":"s-%d"},"action":"records.read","context":{"ip":"10.1.%d.%d"}}'

function init(args)
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
  bad = 0
end

function request()
  counter = counter + 1
  local n = counter % 1000
  wrk.body = string.format(template, n, n, n % 250, (counter % 250) + 1)
  return wrk.format()
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("WRK %d %d\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
