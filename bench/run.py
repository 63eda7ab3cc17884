"""`make bench`: the key pages and endpoints under load, beside a hello-world Flask app, at two scales.

For each scale (10,000 and 200,000 requests by default): a fresh database (SQLite under bench/work/, or the
PostgreSQL database of BENCH_DATABASE_URL), migrated, seeded with the reference record and
`flask seed synthetic --requests N --seed 1`; one account per role; the app served by gunicorn (2 workers) and,
in the same run with the same settings, bench/hello.py; then wrk (16 connections, 2 threads) on each endpoint,
signed in as the role that uses it. Prints a table and writes bench/results.json.

Environment: BENCH_SCALES (e.g. "1000,5000" for a quick run), BENCH_DURATION (seconds per endpoint, default 10),
BENCH_DATABASE_URL (PostgreSQL; SQLite when unset), BENCH_REUSE=1 (keep an SQLite database built earlier).
A benchmark, not a test: nothing here asserts; the targets are read from the results.
"""
from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
PYTHON = sys.executable
PASSWORD = "Bench-password-2026!"
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "10000,200000").split(",") if s.strip()]
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS, THREADS, WORKERS = 16, 2, 2
TARGET_RATIO, TARGET_P95_MS, TARGET_SLOWDOWN = 0.10, 50.0, 1.5

#: (name, how it signs in, path). "cookie:ROLE" signs in through /login; "bearer:ROLE" uses an API token;
#: "feed:ROLE" uses the role's calendar feed token.
ENDPOINTS = [
    ("managers' queue", "cookie:manager", "/queue"),
    ("request list, filtered", "cookie:officer", "/requests/?status=pending&instrument=TIP"),
    ("activity list", "cookie:officer", "/activities/"),
    ("calendar", "cookie:officer", "/activities/calendar"),
    ("State page", "cookie:officer", "/states/BOL"),
    ("donor portal", "cookie:donor", "/funding/portal"),
    ("annex as at a date", "cookie:officer", "/reports/ratification-status?as_of=2003-07-02"),
    ("managers' dashboard", "cookie:manager", "/dashboard"),
    ("API instruments", "bearer:officer", "/api/v1/instruments"),
    ("API missions", "bearer:officer", "/api/v1/missions"),
    ("iCalendar feed", "feed:officer", "/missions.ics"),
]
ROLES = ("officer", "manager", "donor", "admin")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("Installing wrk (Debian package) for the load generator")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed and could not be installed: apt-get install wrk")
    return found


class Instance:
    """One database at one scale, with its accounts, served by gunicorn."""

    def __init__(self, scale: int):
        self.scale = scale
        WORK.mkdir(parents=True, exist_ok=True)
        base = os.environ.get("BENCH_DATABASE_URL")
        self.db_url = base or f"sqlite:///{WORK / f'bench-{scale}.db'}"
        self.env = dict(os.environ, DATABASE_URL=self.db_url, PALERMO_ENV="production",
                        SECRET_KEY="bench-" + "k" * 48, PALERMO_PASSWORD=PASSWORD, LOG_LEVEL="WARNING",
                        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"))
        self.server = None
        self.port = None

    def flask(self, *args, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run([PYTHON, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if check and result.returncode:
            sys.exit(f"flask {' '.join(args)} failed: {(result.stderr or result.stdout)[-800:]}")
        return result

    def build(self) -> float:
        """Migrate and seed; returns the seconds `seed synthetic` took."""
        sqlite = self.db_url.startswith("sqlite:///")
        path = Path(self.db_url.removeprefix("sqlite:///")) if sqlite else None
        if sqlite and os.environ.get("BENCH_REUSE") == "1" and path.exists():
            log(f"[{self.scale}] reusing {path}")
            return 0.0
        if sqlite and path.exists():
            path.unlink()
        if not sqlite:
            self.flask("db", "downgrade", "base", check=False)
        self.flask("db", "upgrade")
        self.flask("seed", "reference")
        start = time.perf_counter()
        self.flask("seed", "synthetic", "--requests", str(self.scale), "--seed", "1")
        took = time.perf_counter() - start
        log(f"[{self.scale}] seed synthetic --requests {self.scale}: {took:.1f} s")
        for role in ROLES:
            extra = ["--donor", "Canada"] if role == "donor" else []
            self.flask("users", "create", f"bench-{role}@bench.test", "--role", role, *extra, check=False)
        return took

    def serve(self) -> None:
        self.port = free_port()
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "app:create_app()"], cwd=ROOT, env=self.env, start_new_session=True)
        wait_for(self.port)

    def stop(self) -> None:
        if self.server:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=20)
            self.server = None


def wait_for(port: int, path: str = "/login") -> None:
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing answered on port {port}")


def session_cookie(port: int, role: str) -> str:
    """Sign in through the real form (CSRF token included) and return the session cookie's header value."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({"email": f"bench-{role}@bench.test", "password": PASSWORD, "csrf_token": token})
    conn.request("POST", "/login", body=form, headers={"Cookie": cookie,
                                                          "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    if response.status not in (302, 303):
        sys.exit(f"could not sign in as {role}: {response.status}")
    return response.getheader("Set-Cookie", "").split(";")[0]


def headers_for(instance: Instance, auth: str, path: str) -> tuple[list[str], str]:
    kind, role = auth.split(":")
    if kind == "cookie":
        return ["-H", f"Cookie: {session_cookie(instance.port, role)}"], path
    if kind == "bearer":
        token = instance.flask("users", "token", f"bench-{role}@bench.test").stdout.strip().split()[-1]
        return ["-H", f"Authorization: Bearer {token}"], path
    feed = instance.flask("users", "feed-token", f"bench-{role}@bench.test", check=False).stdout.strip().split()
    separator = "&" if "?" in path else "?"
    return [], f"{path}{separator}token={feed[-1]}" if feed else path


def wrk(binary: str, port: int, path: str, extra: list[str]) -> dict:
    result = subprocess.run([binary, "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{DURATION}s",
                             "--timeout", "10s", "-s", str(ROOT / "bench" / "latency.lua"), *extra,
                             f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True)
    line = next((x for x in result.stdout.splitlines() if x.startswith("{")), None)
    if line is None:
        return {"error": (result.stderr or result.stdout)[-300:]}
    return json.loads(line)


def probe(port: int, path: str, extra: list[str]) -> int:
    headers = dict(h.split(": ", 1) for h in extra[1::2])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def hello_world(binary: str) -> dict:
    port = free_port()
    server = subprocess.Popen([PYTHON, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "hello:app"], cwd=ROOT / "bench", start_new_session=True)
    try:
        wait_for(port, "/")
        return wrk(binary, port, "/", [])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def main() -> None:
    binary = ensure_wrk()
    results = {"settings": {"workers": WORKERS, "connections": CONNECTIONS, "threads": THREADS,
                            "duration_s": DURATION, "engine": "postgresql" if os.environ.get("BENCH_DATABASE_URL")
                            else "sqlite", "machine": platform.platform(), "cpus": os.cpu_count(),
                            "python": platform.python_version()},
               "targets": {"ratio_to_hello_world": TARGET_RATIO, "p95_ms": TARGET_P95_MS,
                           "slowdown_largest_over_smallest": TARGET_SLOWDOWN},
               "scales": {}}
    for scale in SCALES:
        instance = Instance(scale)
        seeded = instance.build()
        hello = hello_world(binary)
        log(f"[{scale}] hello world: {hello.get('rps', 0):.0f} requests/s")
        instance.serve()
        rows = {}
        try:
            for name, auth, path in ENDPOINTS:
                extra, target = headers_for(instance, auth, path)
                status = probe(instance.port, target, extra)
                if status != 200:
                    rows[name] = {"path": path, "status": status, "skipped": True}
                    log(f"[{scale}] {name}: {path} answers {status}, not measured")
                    continue
                measured = wrk(binary, instance.port, target, extra)
                measured["ratio"] = round(measured.get("rps", 0) / hello["rps"], 4) if hello.get("rps") else None
                measured["path"] = path
                rows[name] = measured
                log(f"[{scale}] {name}: {measured.get('rps', 0):.0f}/s p50 {measured.get('p50_ms', 0):.1f} ms "
                    f"p95 {measured.get('p95_ms', 0):.1f} ms ({measured['ratio']:.1%} of hello world)")
        finally:
            instance.stop()
        results["scales"][str(scale)] = {"seed_synthetic_s": round(seeded, 1), "hello_world": hello,
                                         "endpoints": rows}
    report(results)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    log(f"written {ROOT / 'bench' / 'results.json'}")


def report(results: dict) -> None:
    scales = list(results["scales"])
    small, large = scales[0], scales[-1]
    print(f"{'endpoint':<26}" + "".join(f"{'rps@' + s:>12}{'p95@' + s:>12}{'ratio@' + s:>13}" for s in scales)
          + f"{'slowdown':>10}  verdict")
    slowdowns = {}
    for name, _auth, _path in ENDPOINTS:
        cells, verdict = "", []
        for s in scales:
            row = results["scales"][s]["endpoints"].get(name, {})
            if row.get("skipped") or "rps" not in row:
                cells += f"{'—':>12}{'—':>12}{'—':>13}"
                continue
            cells += f"{row['rps']:>12.0f}{row['p95_ms']:>10.1f}ms{row['ratio']:>12.1%} "
            if s == large:
                if row["ratio"] < TARGET_RATIO:
                    verdict.append("ratio")
                if row["p95_ms"] >= TARGET_P95_MS:
                    verdict.append("p95")
        a = results["scales"][small]["endpoints"].get(name, {})
        b = results["scales"][large]["endpoints"].get(name, {})
        slowdown = round(a["rps"] / b["rps"], 2) if a.get("rps") and b.get("rps") else None
        slowdowns[name] = slowdown
        if slowdown and slowdown > TARGET_SLOWDOWN:
            verdict.append("slowdown")
        shown = f"{slowdown:.2f}x" if slowdown else "—"
        print(f"{name:<26}{cells}{shown:>10}  {'MISSES ' + ', '.join(verdict) if verdict else 'meets targets'}")
    results["slowdown"] = slowdowns
    for s in scales:
        print(f"hello world @{s}: {results['scales'][s]['hello_world'].get('rps', 0):.0f} requests/s")


if __name__ == "__main__":
    main()
