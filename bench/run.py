"""`make bench`: the key pages and endpoints under load, beside a hello-world Flask app, at two scales.

For each scale (10,000 and 200,000 requests by default): a database migrated, seeded with the reference record and
`flask seed synthetic --requests N --seed S`, with one account per role. Built databases are kept between runs,
keyed by scale, seed, migration files and generator (SQLite files under bench/work/; with BENCH_DATABASE_URL, one
PostgreSQL database per scale beside the one named, e.g. bench_10000_s1_<key>). The app is served at every scale
at once by gunicorn (2 workers each), beside bench/hello.py served with the same settings; each endpoint is
reached as the role that uses it (a session through /login with its CSRF token, a bearer token for the API, the
calendar feed's own token for /missions.ics), and its first visit is timed. Then ROUNDS rounds of wrk (16
connections, 2 threads, a 1 s warm-up then BENCH_SECONDS): hello world, then each endpoint at each scale in
turn, the scales alternating which goes first. Each figure is the median of its rounds (every round is kept in
the results), so that a machine whose speed drifts during the run weighs on both scales of a page alike. Prints a
table and writes bench/results.json.

Environment: BENCH_SCALES (e.g. "1000,5000" for a quick run), BENCH_SECONDS (each measure, default 3),
BENCH_ROUNDS (default 5), BENCH_SEED (default 1), BENCH_DATABASE_URL (PostgreSQL; SQLite when unset),
BENCH_REBUILD=1 (ignore the cache), BENCH_API_RATE_LIMIT (the served app's API allowance per token; default high
enough not to refuse the load).
The served app runs as in production (PALERMO_ENV=production): pages are kept until the record changes
(app/page_cache.py), in each worker's memory, or in Redis when CACHE_STORAGE_URI is set.
A benchmark, not a test: nothing here asserts; the targets are read from the results.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
PYTHON = sys.executable
PASSWORD = "Quiet-harbour-lantern-2026!"
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "10000,200000").split(",") if s.strip()]
DURATION = int(os.environ.get("BENCH_SECONDS") or os.environ.get("BENCH_DURATION") or "3")
ROUNDS = int(os.environ.get("BENCH_ROUNDS") or "5")
SEED = int(os.environ.get("BENCH_SEED", "1"))
WARMUP_SECONDS = 1
CONNECTIONS, THREADS, WORKERS = 16, 2, 2
TARGET_RATIO, TARGET_P95_MS, TARGET_SLOWDOWN = 0.10, 50.0, 1.5
#: The same server settings for the app and hello world, as `make serve` runs them (its --no-control-socket: see
#: the Makefile).
GUNICORN = ["-w", str(WORKERS), "--no-control-socket"]

#: (name, how it signs in, path). "cookie:ROLE" signs in through /login; "bearer:ROLE" uses an API token;
#: "feed:ROLE" uses the role's calendar feed token.
ENDPOINTS = [
    ("managers' queue", "cookie:manager", "/queue"),
    ("request list, filtered", "cookie:officer", "/requests/?status=pending&instrument=TIP"),
    ("activity list", "cookie:officer", "/activities/"),
    ("calendar", "cookie:officer", "/activities/calendar"),
    ("State page", "cookie:officer", "/states/BOL"),
    ("donor portal", "cookie:donor", "/funding/"),
    ("annex as at a date", "cookie:officer", "/reports/ratification-status?as_of=2003-07-02"),
    ("managers' dashboard", "cookie:manager", "/dashboard"),
    ("API instruments", "bearer:officer", "/api/v1/instruments"),
    ("API missions", "bearer:officer", "/api/v1/missions"),
    ("iCalendar feed", "feed:officer", "/missions.ics"),
    # The work loop (issue 27): the actions list and a report page (the Romania mission's, an approved report)
    ("actions list", "cookie:manager", "/actions/?status=pending"),
    ("report page", "cookie:manager", "/activities/20/report"),
]
ROLES = ("officer", "manager", "donor", "admin")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def build_key() -> str:
    """What a built database depends on: the migrations (their head) and the generator. A change to either
    rebuilds; anything else reuses the database built before."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")) + [
            ROOT / "app" / "services" / "synthetic.py", ROOT / "app" / "services" / "reference.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


class Instance:
    """One database at one scale, with its accounts, served by gunicorn."""

    def __init__(self, scale: int):
        self.scale = scale
        WORK.mkdir(parents=True, exist_ok=True)
        self.name = f"bench_{scale}_s{SEED}_{build_key()}"
        base = os.environ.get("BENCH_DATABASE_URL")
        if base:
            self.admin_url = base
            self.db_url = base.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.admin_url = None
            self.db_url = f"sqlite:///{WORK / (self.name + '.db')}"
        self.env = self.env_for(self.db_url)
        self.server = None
        self.port = None

    @staticmethod
    def env_for(url: str) -> dict:
        return dict(os.environ, DATABASE_URL=url, PALERMO_ENV="production", SECRET_KEY="bench-" + "k" * 48,
                    PALERMO_PASSWORD=PASSWORD, LOG_LEVEL="WARNING",
                    RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
                    # One token asks thousands of times a second here: under the default allowance (600 a
                    # minute) most answers would be 429s, measuring the refusal instead of the endpoint.
                    API_RATE_LIMIT=os.environ.get("BENCH_API_RATE_LIMIT", "1000000 per minute"))

    def flask(self, *args, check=True, env=None) -> subprocess.CompletedProcess:
        result = subprocess.run([PYTHON, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env or self.env,
                                capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if check and result.returncode:
            sys.exit(f"flask {' '.join(args)} failed: {(result.stderr or result.stdout)[-800:]}")
        return result

    # -- PostgreSQL databases, one per scale, created beside BENCH_DATABASE_URL's
    def _pg(self, statement: str, *params) -> list:
        import psycopg2
        # The server's maintenance database: the one named in BENCH_DATABASE_URL need not exist.
        dsn = self.admin_url.replace("postgresql+psycopg2://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
        conn = psycopg2.connect(dsn)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            conn.close()

    def _pg_exists(self, name: str) -> bool:
        return bool(self._pg("SELECT 1 FROM pg_database WHERE datname = %s", name))

    def build(self) -> float | None:
        """Migrate, seed and create the accounts, unless built before; returns the seconds `seed synthetic`
        took (None when the cached database was reused). The database gets its name only once complete."""
        rebuild = os.environ.get("BENCH_REBUILD") == "1"
        building = self.name + "_building"
        if self.admin_url:
            if self._pg_exists(self.name) and not rebuild:
                log(f"[{self.scale}] reusing PostgreSQL database {self.name}")
                return None
            for name in (building, self.name):
                self._pg(f'DROP DATABASE IF EXISTS "{name}"')
            self._pg(f'CREATE DATABASE "{building}"')
            url = self.admin_url.rsplit("/", 1)[0] + "/" + building
        else:
            path = WORK / (self.name + ".db")
            if path.exists() and not rebuild:
                log(f"[{self.scale}] reusing {path}")
                return None
            temporary = WORK / (building + ".db")
            temporary.unlink(missing_ok=True)
            url = f"sqlite:///{temporary}"
        env = self.env_for(url)
        self.flask("db", "upgrade", env=env)
        self.flask("seed", "reference", env=env)
        start = time.perf_counter()
        self.flask("seed", "synthetic", "--requests", str(self.scale), "--seed", str(SEED), env=env)
        took = time.perf_counter() - start
        log(f"[{self.scale}] seed synthetic --requests {self.scale} --seed {SEED}: {took:.1f} s")
        for role in ROLES:
            extra = ["--donor", "Canada"] if role == "donor" else []
            self.flask("users", "create", f"bench-{role}@bench.test", "--role", role, *extra, env=env)
        if self.admin_url:
            self._pg(f'ALTER DATABASE "{building}" RENAME TO "{self.name}"')
        else:
            temporary.rename(WORK / (self.name + ".db"))
        return took

    def serve(self) -> None:
        self.port = free_port()
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{self.port}", "--log-level", "warning",
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
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
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
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    # Follow the redirect as a browser does: the home page shows the sign-in's message and the session cookie
    # it sets no longer carries it. (wrk replays one cookie: a message left in it would be "shown" every time.)
    conn.request("GET", response.getheader("Location") or "/", headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    return (response.getheader("Set-Cookie") or cookie).split(";")[0]


def headers_for(instance: Instance, auth: str, path: str) -> tuple[list[str], str]:
    kind, role = auth.split(":")
    if kind == "cookie":
        return ["-H", f"Cookie: {session_cookie(instance.port, role)}"], path
    if kind == "bearer":
        token = instance.flask("users", "token", f"bench-{role}@bench.test").stdout.strip().split()[-1]
        return ["-H", f"Authorization: Bearer {token}"], path
    separator = "&" if "?" in path else "?"
    return [], f"{path}{separator}token={feed_token(instance.port, role)}"


def feed_token(port: int, role: str) -> str:
    """Issue the role's calendar feed token through its page (POST with the CSRF token) and read it back."""
    cookie = session_cookie(port, role)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/missions/feed", headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or cookie).split(";")[0]  # the session now holds the CSRF secret
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    conn.request("POST", "/missions/feed/issue", body=urllib.parse.urlencode({"csrf_token": token}),
                 headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    body = response.read().decode()
    found = re.search(r"[?&](?:amp;)?token=([\w.~-]+)", body)
    if response.status != 200 or not found:
        sys.exit(f"could not issue a calendar feed token for {role}: {response.status}")
    return found.group(1)


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


class HelloWorld:
    """bench/hello.py served with the app's gunicorn settings, for the whole run."""

    def __init__(self):
        self.port = free_port()
        self.server = subprocess.Popen([PYTHON, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{self.port}",
                                        "--log-level", "warning", "hello:app"], cwd=ROOT / "bench",
                                       start_new_session=True)
        wait_for(self.port, "/")

    def stop(self) -> None:
        os.killpg(self.server.pid, signal.SIGTERM)
        self.server.wait(timeout=20)


def prepare(instance: Instance) -> dict:
    """Each endpoint's way in (its session, token or feed token), then each page's first visit. Every sign-in
    and token is made before the first visit of any page: each of them writes to the record (a last sign-in,
    a new token), which would set back every page kept before it."""
    ways = {name: headers_for(instance, auth, path) for name, auth, path in ENDPOINTS}
    prepared = {}
    for name, _auth, path in ENDPOINTS:
        extra, target = ways[name]
        status, first_visit_ms = probe(instance.port, target, extra)
        prepared[name] = {"extra": extra, "target": target, "status": status, "first_visit_ms": first_visit_ms}
        if status != 200:
            prepared[name]["note"] = "the route does not exist yet" if status == 404 else f"answers {status}"
            log(f"[{instance.scale}] {name}: {path} {prepared[name]['note']}: not measured")
    return prepared


def measure_once(binary: str, port: int, target: str, extra: list[str]) -> dict:
    wrk(binary, port, target, extra, WARMUP_SECONDS)  # both workers' first requests, not measured
    return wrk(binary, port, target, extra)


def median_of(runs: list[dict]) -> dict:
    """One figure per measure, the median over the rounds (requests and bad answers: their sums), with every
    round's figures kept beside it."""
    summary = {key: round(statistics.median(run.get(key, 0) for run in runs), 2)
               for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
    summary.update({key: sum(run.get(key, 0) for run in runs) for key in ("requests", "non2xx", "errors")})
    summary["seconds"] = round(sum(run.get("seconds", 0) for run in runs), 3)
    summary["rounds"] = runs
    return summary


def measure(binary: str, instances: list[Instance], hello: HelloWorld) -> tuple[dict, dict]:
    """ROUNDS rounds; in each, hello world once, then every endpoint at every scale, one after the other. The
    scales take turns going first. A machine whose speed drifts during the run (another tenant, the CPU's
    clock) then weighs on both scales of a page alike, instead of on whichever was measured during the drift;
    each figure is the median of its rounds."""
    prepared = {instance.scale: prepare(instance) for instance in instances}
    hello_runs, runs = [], {instance.scale: {name: [] for name, _a, _p in ENDPOINTS} for instance in instances}
    for round_number in range(ROUNDS):
        hello_runs.append(measure_once(binary, hello.port, "/", []))
        log(f"round {round_number + 1}/{ROUNDS}: hello world {hello_runs[-1].get('rps', 0):.0f} requests/s")
        order = instances if round_number % 2 == 0 else instances[::-1]
        for name, _auth, _path in ENDPOINTS:
            for instance in order:
                way = prepared[instance.scale][name]
                if way["status"] != 200:
                    continue
                run = measure_once(binary, instance.port, way["target"], way["extra"])
                runs[instance.scale][name].append(run)
                log(f"  [{instance.scale}] {name}: {run.get('rps', 0):.0f}/s p95 {run.get('p95_ms', 0):.1f} ms"
                    + (f" — {run['non2xx']} non-2xx answers" if run.get("non2xx") else ""))
    hello_figures = median_of(hello_runs)
    rows = {}
    for instance in instances:
        rows[instance.scale] = {}
        for name, _auth, path in ENDPOINTS:
            way = prepared[instance.scale][name]
            if way["status"] != 200:
                rows[instance.scale][name] = {"path": path, "status": way["status"], "skipped": True,
                                              "note": way["note"]}
                continue
            measured = median_of(runs[instance.scale][name])
            measured["ratio"] = round(measured["rps"] / hello_figures["rps"], 4) if hello_figures["rps"] else None
            measured["path"] = path
            measured["first_visit_ms"] = way["first_visit_ms"]
            rows[instance.scale][name] = measured
    return hello_figures, rows


def main() -> None:
    binary = ensure_wrk()
    engine = "postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"
    results = {"settings": {"workers": WORKERS, "connections": CONNECTIONS, "threads": THREADS,
                            "duration_s": DURATION, "warmup_s": WARMUP_SECONDS, "rounds": ROUNDS, "seed": SEED,
                            "engine": engine, "load_generator": generator_name(binary),
                            "machine": platform.platform(), "cpus": os.cpu_count(),
                            "python": platform.python_version()},
               "targets": {"ratio_to_hello_world": TARGET_RATIO, "p95_ms": TARGET_P95_MS,
                           "slowdown_largest_over_smallest": TARGET_SLOWDOWN},
               "scales": {}}
    instances = [Instance(scale) for scale in SCALES]
    seeded = {instance.scale: instance.build() for instance in instances}
    hello = HelloWorld()
    try:
        for instance in instances:
            instance.serve()
        hello_figures, rows = measure(binary, instances, hello)
    finally:
        for instance in instances:
            instance.stop()
        hello.stop()
    for instance in instances:
        took = seeded[instance.scale]
        results["scales"][str(instance.scale)] = {
            "database": instance.name, "seed_synthetic_s": None if took is None else round(took, 1),
            "hello_world": hello_figures, "endpoints": rows[instance.scale]}
    report(results)
    text = json.dumps(results, indent=2) + "\n"
    (ROOT / "bench" / "results.json").write_text(text)
    (ROOT / "bench" / f"results-{engine}.json").write_text(text)  # the last run on each engine, side by side
    log(f"written {ROOT / 'bench' / 'results.json'}")


def report(results: dict) -> None:
    """The table: per endpoint and scale, requests/s, % of hello world, p50 and p95; the slowdown from the
    smallest scale to the largest; which targets the largest scale misses."""
    scales = list(results["scales"])
    small, large = scales[0], scales[-1]
    header = f"{'page':<24}" + "".join(f"{'rps@' + s:>11}{'%hello':>8}{'p50 ms':>8}{'p95 ms':>8}" for s in scales)
    print(header + f"{'slowdown':>10}  verdict")
    slowdowns, misses = {}, {}
    for name, _auth, _path in ENDPOINTS:
        cells, verdict = "", []
        for s in scales:
            row = results["scales"][s]["endpoints"].get(name, {})
            if row.get("skipped") or "rps" not in row:
                cells += f"{'—':>11}{'—':>8}{'—':>8}{'—':>8}"
                continue
            cells += f"{row['rps']:>11.0f}{(row['ratio'] or 0):>8.1%}{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}"
            if s == large:
                if (row["ratio"] or 0) < TARGET_RATIO:
                    verdict.append(f"< {TARGET_RATIO:.0%} of hello")
                if row["p95_ms"] >= TARGET_P95_MS:
                    verdict.append(f"p95 >= {TARGET_P95_MS:.0f} ms")
                if not row.get("requests"):
                    verdict.append("no answer within wrk's 10 s timeout")
                elif row.get("non2xx") or row.get("errors"):
                    verdict.append(f"{row.get('non2xx', 0)} non-2xx, {row.get('errors', 0)} errors")
        a = results["scales"][small]["endpoints"].get(name, {})
        b = results["scales"][large]["endpoints"].get(name, {})
        slowdown = round(a["rps"] / b["rps"], 2) if a.get("rps") and b.get("rps") else None
        slowdowns[name] = slowdown
        if slowdown and slowdown > TARGET_SLOWDOWN and small != large:
            verdict.append(f"slowdown > {TARGET_SLOWDOWN}x")
        skipped = results["scales"][large]["endpoints"].get(name, {})
        if skipped.get("skipped"):
            verdict = [f"not measured: {skipped.get('note')}"]
        misses[name] = verdict
        shown = f"{slowdown:.2f}x" if slowdown else "—"
        if skipped.get("skipped"):
            said = verdict[0]
        else:
            said = "MISSES " + "; ".join(verdict) if verdict else "meets targets"
        print(f"{name:<24}{cells}{shown:>10}  {said}")
    results["slowdown"] = slowdowns
    results["misses"] = misses
    print("first visit (the page rendered, nothing kept yet), ms: "
          + "; ".join(f"{name} " + " → ".join(
              str(results["scales"][s]["endpoints"].get(name, {}).get("first_visit_ms", "—")) for s in scales)
              for name, _auth, _path in ENDPOINTS))
    for s in scales:
        hello = results["scales"][s]["hello_world"]
        print(f"hello world @{s}: {hello.get('rps', 0):.0f} requests/s, p50 {hello.get('p50_ms', 0):.1f} ms, "
              f"p95 {hello.get('p95_ms', 0):.1f} ms")
    rounds = results["settings"].get("rounds")
    if rounds:
        print(f"each figure: the median of {rounds} rounds of {results['settings']['duration_s']} s")


if __name__ == "__main__":
    if sys.argv[1:] == ["--report"]:  # the table again, from the last results.json
        report(json.loads((ROOT / "bench" / "results.json").read_text()))
    else:
        main()
