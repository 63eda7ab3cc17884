"""The load generator `make bench` falls back on when wrk is not installed (or with BENCH_LOADGEN=python): one
thread per connection, each a keep-alive HTTP/1.1 connection sending the visits of a page's mix in turn (each
connection starting at another place) for the duration. It reports what bench/mix.lua reports for wrk: requests,
seconds, rps, p50/p90/p95/p99 in ms, non-2xx
answers and errors. Python's threads share one interpreter lock, so it saturates sooner than wrk: use it for both
the app and hello world of one run (run.py does), never to compare with a wrk run.
"""
from __future__ import annotations

import http.client
import threading
import time


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run(port: int, visits: list[tuple[str, dict[str, str]]], connections: int = 16, seconds: float = 10.0,
        timeout: float = 10.0) -> dict:
    latencies: list[list[float]] = [[] for _ in range(connections)]
    counts = [[0, 0] for _ in range(connections)]  # non-2xx, errors
    stop_at = time.perf_counter() + seconds

    def worker(index: int) -> None:
        conn = None
        turn = index * 17
        while time.perf_counter() < stop_at:
            turn += 1
            path, headers = visits[turn % len(visits)]
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                started = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                finished = time.perf_counter()
                if finished <= stop_at:
                    latencies[index].append(finished - started)
                    if not 200 <= response.status < 300:
                        counts[index][0] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                counts[index][1] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout + 5)
    elapsed = min(time.perf_counter() - started, seconds) or seconds
    ordered = sorted(x for per in latencies for x in per)
    return {"requests": len(ordered), "seconds": round(elapsed, 3), "rps": round(len(ordered) / elapsed, 1),
            "p50_ms": round(_percentile(ordered, 0.50) * 1000, 2),
            "p90_ms": round(_percentile(ordered, 0.90) * 1000, 2),
            "p95_ms": round(_percentile(ordered, 0.95) * 1000, 2),
            "p99_ms": round(_percentile(ordered, 0.99) * 1000, 2), "non2xx": sum(c[0] for c in counts),
            "errors": sum(c[1] for c in counts)}
