"""The load `make bench` (bench/run.py) puts on a page: wrk (installed with apt when missing and possible) or
bench/loadgen.py, one generator for the whole run; and the first visit of a page, timed on its own."""
from __future__ import annotations

import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import time

from run_settings import CONNECTIONS, DURATION, ROOT, THREADS, WARMUP_SECONDS, log


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


def wrk(binary: str, port: int, path: str, extra: list[str], seconds: int = DURATION) -> dict:
    if binary == "python":
        sys.path.insert(0, str(ROOT / "bench"))
        import loadgen
        return loadgen.run(port, path, dict(h.split(": ", 1) for h in extra[1::2]), CONNECTIONS, seconds)
    result = subprocess.run([binary, "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s",
                             "--timeout", "10s", "-s", str(ROOT / "bench" / "latency.lua"), *extra,
                             f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True)
    line = next((x for x in result.stdout.splitlines() if x.startswith("{")), None)
    if line is None:
        return {"error": (result.stderr or result.stdout)[-300:]}
    return json.loads(line)


def probe(port: int, path: str, extra: list[str]) -> tuple[int, float]:
    """The status and milliseconds of one request: the first visit, which renders the page (nothing kept yet)."""
    headers = dict(h.split(": ", 1) for h in extra[1::2])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, round((time.perf_counter() - start) * 1000, 1)


def measure_once(binary: str, port: int, target: str, extra: list[str]) -> dict:
    wrk(binary, port, target, extra, WARMUP_SECONDS)  # both workers' first requests, not measured
    return wrk(binary, port, target, extra)
