"""The servers `make bench` (bench/run.py) measures: one database per scale — seeded once and kept, keyed by the
generator, and upgraded to the newest migration at every run — served by gunicorn (bench/served.py: the app with
each request's server time noted) with every cache off or on, and bench/hello.py served with the same settings."""
from __future__ import annotations

import hashlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time

from run_settings import GUNICORN, PASSWORD, PYTHON, ROOT, SEED, WORK, log


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_key() -> str:
    """What a built database depends on: the generator (the seeding code of app/seed). A change to it rebuilds;
    a new migration does not (seeding 200,000 requests takes long): the kept database is upgraded to it."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "app" / "seed").glob("*.py")):
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
        #: This run's files (its mix, the served app's notes) apart from a run on the other engine beside it.
        self.tag = f"{'postgresql' if base else 'sqlite'}-{scale}"
        self.timings = WORK / f"timings-{self.tag}"
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
        """Migrate and seed, unless built before (then upgraded); returns the seconds `seed synthetic`
        took (None when the cached database was reused). The database gets its name only once complete."""
        rebuild = os.environ.get("BENCH_REBUILD") == "1"
        building = self.name + "_building"
        if self.admin_url:
            if self._pg_exists(self.name) and not rebuild:
                log(f"[{self.scale}] reusing PostgreSQL database {self.name}")
                return self.upgrade()
            for name in (building, self.name):
                self._pg(f'DROP DATABASE IF EXISTS "{name}"')
            self._pg(f'CREATE DATABASE "{building}"')
            url = self.admin_url.rsplit("/", 1)[0] + "/" + building
        else:
            path = WORK / (self.name + ".db")
            if path.exists() and not rebuild:
                log(f"[{self.scale}] reusing {path}")
                return self.upgrade()
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
        if self.admin_url:
            self._pg(f'ALTER DATABASE "{building}" RENAME TO "{self.name}"')
        else:
            temporary.rename(WORK / (self.name + ".db"))
        if self.admin_url:
            self.analyze()
        return took

    def upgrade(self) -> None:
        """A kept database brought to the newest migration, its kept outcome figures made again; on PostgreSQL its
        statistics made afresh (`seed synthetic` writes with COPY and leaves the tables unanalysed: plans on empty
        statistics are not what a served database gets)."""
        self.flask("db", "upgrade")
        self.flask("outcomes", "rebuild")  # a migration may have made the kept outcome figures' tables empty
        if self.admin_url:
            self.analyze()
        return None

    def analyze(self) -> None:
        import psycopg2
        conn = psycopg2.connect(self.db_url.replace("postgresql+psycopg2://", "postgresql://"))
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute("ANALYZE")
        finally:
            conn.close()

    def serve(self, caches: bool) -> None:
        """gunicorn on bench/served.py, every cache on (as in production) or off: CACHES_OFF=1 (the switch of
        issue 26 item 3) and PAGE_CACHE=off, which the app honours already, for as long as it lacks the switch."""
        self.port = free_port()
        self.timings.mkdir(parents=True, exist_ok=True)
        switch = {"CACHES_OFF": "0" if caches else "1", "PAGE_CACHE": "on" if caches else "off"}
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "served:create()"], cwd=ROOT / "bench", env=dict(self.env, BENCH_TIMINGS_DIR=str(self.timings), **switch),
            start_new_session=True)
        wait_for(self.port)

    def harvest(self) -> list[dict]:
        """The requests the served app noted since the last harvest (bench/served.py), its files emptied."""
        import json
        noted = []
        for path in self.timings.glob("timings-*.jsonl"):
            moved = path.with_suffix(".read")
            path.rename(moved)  # the worker's next line starts a new file
            noted += [json.loads(line) for line in moved.read_text().splitlines() if line.endswith("}")]
            moved.unlink()
        return noted

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


class HelloWorld:
    """bench/hello.py served with the app's gunicorn settings, for the whole run."""

    def __init__(self):
        self.port = free_port()
        self.server = subprocess.Popen([PYTHON, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{self.port}",
                                        "--log-level", "warning", "hello:app"], cwd=ROOT / "bench",
                                       start_new_session=True)
        WORK.mkdir(parents=True, exist_ok=True)
        self.visits = WORK / "mix-hello.tsv"  # its one address, for bench/mix.lua
        self.visits.write_text("/\n")
        wait_for(self.port, "/")

    def stop(self) -> None:
        os.killpg(self.server.pid, signal.SIGTERM)
        self.server.wait(timeout=20)
