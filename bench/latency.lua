-- wrk reporter: one JSON line with throughput, p50/p95/p99 latency (ms) and wrk's own count of answers that are
-- neither 2xx nor 3xx (summary.errors.status). No response() callback: with one, wrk hands every body to Lua, and
-- the load generator, on the same cores as the server, spends time copying large pages instead of asking.
function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "non2xx": %d, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
