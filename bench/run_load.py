"""The load `make bench` (bench/run.py) puts on a page: wrk (installed with apt when missing and possible) or
bench/loadgen.py, one generator for the whole run, replaying a page's mix of visits (bench/run_mix.py); one visit
fetched on its own for its status and its size; and the write through the API that runs beside every measure."""
from __future__ import annotations

import gzip
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import run_settings
from run_settings import (
    CONNECTIONS,
    MAX_MEASURE_S,
    ROOT,
    SLOW_S,
    THREADS,
    TOO_SLOW_S,
    VISITS_ONE_AT_A_TIME,
    WARMUP_SECONDS,
    WORKERS,
    WRITE_EVERY_S,
    log,
)


def ensure_wrk() -> str:
    """wrk's path (installed with apt when missing and possible), or "python" for bench/loadgen.py: when wrk cannot
    be had, or with BENCH_LOADGEN=python. One generator serves the whole run, app and hello world alike."""
    if os.environ.get("BENCH_LOADGEN") == "python":
        return "python"
    found = shutil.which("wrk")
    if found:
        return found
    log("Installing wrk (Debian package) for the load generator")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True,
                   stdin=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        log("wrk could not be installed: the Python load generator (bench/loadgen.py) measures this run")
        return "python"
    return found


def generator_name(binary: str) -> str:
    if binary == "python":
        return f"bench/loadgen.py (Python {platform.python_version()}, one thread per connection)"
    return subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.split("\n")[0].strip()


def wrk(binary: str, port: int, visits: Path, seconds: float | None = None, connections: int = CONNECTIONS) -> dict:
    """The mix in `visits` (a file of bench/run_mix.py) replayed for `seconds` (the run's measure when None) with
    `connections` connections."""
    seconds = round(seconds or run_settings.DURATION)
    if binary == "python":
        sys.path.insert(0, str(ROOT / "bench"))
        import loadgen
        return loadgen.run(port, read_visits(visits), connections, seconds)
    result = subprocess.run([binary, "-t", str(min(THREADS, connections)), "-c", str(connections), "-d",
                             f"{seconds}s", "--timeout", "60s", "-s", str(ROOT / "bench" / "mix.lua"),
                             f"http://127.0.0.1:{port}", "--", str(visits)], capture_output=True, text=True)
    line = next((x for x in result.stdout.splitlines() if x.startswith("{")), None)
    if line is None:
        return {"error": (result.stderr or result.stdout)[-300:]}
    return json.loads(line)


def read_visits(visits: Path) -> list[tuple[str, dict]]:
    rows = [line.split("\t") for line in visits.read_text().splitlines() if line]
    return [(row[0], dict(h.split(": ", 1) for h in row[1:])) for row in rows]


def measure_once(binary: str, port: int, visits: Path, first_visit_s: float = 0.0) -> dict:
    """The mix under load (a slow page with fewer connections, or one visit at a time: see SLOW_S), then the
    server left to finish what it was still given."""
    if first_visit_s > TOO_SLOW_S:
        for target, headers in read_visits(visits)[:VISITS_ONE_AT_A_TIME]:
            fetch(port, target, headers)
        return {"loaded": False, "connections": 1}
    connections = CONNECTIONS if first_visit_s <= SLOW_S else WORKERS
    # Long enough for the queue in front of the workers (connections x a visit / workers) to be crossed a few
    # times: a shorter measure would count only the requests that got through before the queue filled.
    seconds = min(MAX_MEASURE_S, max(run_settings.DURATION, 3 * connections * first_visit_s / WORKERS))
    wrk(binary, port, visits, WARMUP_SECONDS, connections)  # both workers' first requests, not measured
    drain(port)  # what the warm-up left queued, not in front of the measure
    measured = wrk(binary, port, visits, seconds, connections)
    drain(port)
    return {**measured, "connections": connections}


def drain(port: int) -> None:
    """Wait until the server has answered what it had queued: wrk stops asking, but requests accepted before
    that are still worked through. One cheap request per worker, sent now, comes back once they are done."""
    threads = [threading.Thread(target=fetch, args=(port, "/login", {}), daemon=True) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)


def fetch(port: int, path: str, headers: dict, method: str = "GET", body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response, response.read()


def probe(port: int, path: str, headers: dict) -> dict:
    """One visit's status, seconds (from outside) and size, as sent and compressed (gzip at its default level:
    what a proxy in front would send a browser that accepts it; the app itself sends the bytes as they are)."""
    started = time.perf_counter()
    response, body = fetch(port, path, headers)
    return {"status": response.status, "first_visit_s": round(time.perf_counter() - started, 3),
            "first_visit_bytes": len(body), "gzip_bytes": len(gzip.compress(body))}


class Writer(threading.Thread):
    """A change through the API every WRITE_EVERY_S while the load runs: a request's description replaced
    (GET for its ETag, then PATCH with If-Match), by an officer's token, cycling through the sampled requests.
    Every commit changes the record's stamp, as colleagues' writes do in real use."""

    def __init__(self, port: int, token: str, request_ids: list[int]):
        super().__init__(daemon=True)
        self.port, self.token, self.ids = port, token, request_ids
        self.stopped = threading.Event()
        self.written = self.refused = 0
        self.unwritable: set[int] = set()  # refused by the rules (a kind of advice a State no longer needs…)

    def run(self) -> None:
        n = 0
        while not self.stopped.wait(WRITE_EVERY_S):
            n += 1
            writable = [i for i in self.ids if i not in self.unwritable] or self.ids
            self.write_one(writable[n % len(writable)], n)

    def write_one(self, request_id: int, n: int) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "X-Bench-Page": "API write"}
        try:
            response, _ = fetch(self.port, f"/api/v1/requests/{request_id}", headers)
            body = json.dumps({"description": f"Bench write {n}"}).encode()
            response, _ = fetch(self.port, f"/api/v1/requests/{request_id}",
                                {**headers, "If-Match": response.getheader("ETag") or "*",
                                 "Content-Type": "application/json"}, "PATCH", body)
        except OSError:
            self.refused += 1
            return
        if response.status == 200:
            self.written += 1
        else:
            self.refused += 1
            self.unwritable.add(request_id)

    def stop(self) -> None:
        self.stopped.set()
        self.join(10)
