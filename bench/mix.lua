-- wrk script of `make bench`: replays the requests of a file made by bench/run_mix.py (one a line: the path, then
-- "Name: value" headers, separated by tabs), each thread starting at another place, and reports like
-- bench/latency.lua (one JSON line). Usage: wrk … -s bench/mix.lua http://host:port -- FILE
local requests = {}
local position = 0
local thread_count = 0

function setup(thread)
  thread:set("offset", thread_count * 17)
  thread_count = thread_count + 1
end

function init(args)
  for line in io.lines(args[1]) do
    local fields = {}
    for field in string.gmatch(line, "[^\t]+") do table.insert(fields, field) end
    local headers = {}
    for i = 2, #fields do
      local name, value = string.match(fields[i], "^([^:]+): (.*)$")
      headers[name] = value
    end
    table.insert(requests, wrk.format("GET", fields[1], headers))
  end
  position = (offset or 0) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function done(summary, latency, requests_)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "non2xx": %d, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
