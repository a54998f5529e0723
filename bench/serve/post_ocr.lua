-- wrk script: POSTs the JSON bodies listed in <dir>/list.txt to /ocr, in turn.
-- usage: wrk -tT -cC -dD -s post_ocr.lua URL -- <dir>
-- Non-200 answers are counted and printed at the end.
local bodies = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local dir = args[1]
  for name in io.lines(dir .. "/list.txt") do
    local f = assert(io.open(name, "rb"))
    table.insert(bodies, f:read("*a"))
    f:close()
  end
  -- Each thread starts at a different body.
  index = math.random(#bodies)
  responses = 0
  errors = 0
end

function request()
  index = index % #bodies + 1
  return wrk.format("POST", "/ocr", {["Content-Type"] = "application/json"}, bodies[index])
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local n, e = 0, 0
  for _, t in ipairs(threads) do
    n = n + t:get("responses")
    e = e + t:get("errors")
  end
  io.write(string.format("responses: %d, non-200: %d\n", n, e))
  io.write(string.format("throughput: %.2f req/s\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50: %.1f ms, p99: %.1f ms, max: %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
