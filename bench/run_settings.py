"""The settings of `make bench` (bench/run.py), read once from the environment and shared by its parts, and the
one way the run tells what it is doing (on stderr, so that the table on stdout stays clean).

Environment: BENCH_SCALES (e.g. "1000,5000" for a quick run), BENCH_SECONDS (each measure, default 3),
BENCH_ROUNDS (default 5), BENCH_SEED (default 1), BENCH_DATABASE_URL (PostgreSQL; SQLite when unset),
BENCH_REBUILD=1 (ignore the cache), BENCH_API_RATE_LIMIT (the served app's API allowance per token; default high
enough not to refuse the load), BENCH_LOADGEN=python (the Python load generator even where wrk is installed).
"""
from __future__ import annotations

import os
import sys
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
#: "feed:ROLE" uses the role's calendar feed token; a suffix "@fr" asks for that language (Accept-Language).
ENDPOINTS = [
    ("managers' queue", "cookie:manager", "/queue"),
    ("request list, filtered", "cookie:officer", "/requests/?status=pending&instrument=TIP"),
    ("activity list", "cookie:officer", "/activities/"),
    ("calendar", "cookie:officer", "/activities/calendar"),
    ("State page", "cookie:officer", "/states/BOL"),
    # Issue 30: the same page in French and in Arabic (right to left), to set beside English (at most 10% slower)
    ("State page, French", "cookie:officer@fr", "/states/BOL"),
    ("State page, Arabic", "cookie:officer@ar", "/states/BOL"),
    ("donor portal", "cookie:donor", "/funding/"),
    ("annex as at a date", "cookie:officer", "/reports/ratification-status?as_of=2003-07-02"),
    ("managers' dashboard", "cookie:manager", "/dashboard"),
    ("API instruments", "bearer:officer", "/api/v1/instruments"),
    ("API missions", "bearer:officer", "/api/v1/missions"),
    ("iCalendar feed", "feed:officer", "/missions.ics"),
    # The work loop: the actions list and a report page (the Romania mission's, an approved report)
    ("actions list", "cookie:manager", "/actions/?status=pending"),
    ("report page", "cookie:manager", "/activities/20/report"),
]
ROLES = ("officer", "manager", "donor", "admin")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
