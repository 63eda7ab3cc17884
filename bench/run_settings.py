"""The settings of `make bench` (bench/run.py), read once from its arguments and the environment and shared by its
parts, and the one way the run tells what it is doing (on stderr, so that the table on stdout stays clean).

Arguments (bench/run.py --help) choose the size and the engine, so that a run can be short; the environment gives
the same defaults: BENCH_SCALES ("20000,200000"), BENCH_SECONDS (each measure, default 3), BENCH_ROUNDS (default 1),
BENCH_SEED (default 1), BENCH_DATABASE_URL (PostgreSQL; SQLite when unset), BENCH_REBUILD=1 (build afresh),
BENCH_API_RATE_LIMIT (the served app's API allowance per token; default high enough not to refuse the load),
BENCH_LOADGEN=python (the Python load generator even where wrk is installed).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
PYTHON = sys.executable
PASSWORD = "Quiet-harbour-lantern-2026!"
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "20000,200000").split(",") if s.strip()]
DURATION = int(os.environ.get("BENCH_SECONDS") or os.environ.get("BENCH_DURATION") or "3")
ROUNDS = int(os.environ.get("BENCH_ROUNDS") or "1")
SEED = int(os.environ.get("BENCH_SEED", "1"))
WARMUP_SECONDS = 1
CONNECTIONS, THREADS, WORKERS = 16, 2, 2
#: Issue 26's targets: at the largest scale, a page's share of hello world's rate under load, its p90 and its
#: median server time in process; and at most this growth of the median server time from the smallest scale.
TARGET_RATIO, TARGET_P90_MS, TARGET_SERVER_MS, TARGET_GROWTH = 0.05, 150.0, 50.0, 1.2
#: The same server settings for the app and hello world, as `make serve` runs them (its --no-control-socket: see
#: the Makefile).
#: gunicorn's own worker timeout (30 s) would kill a worker in the middle of the slowest pages.
GUNICORN = ["-w", str(WORKERS), "--no-control-socket", "--timeout", "300"]
#: A page whose first visit takes longer than SLOW_S is loaded with one connection per worker (16 would queue
#: minutes of work behind the measure, and the next page would be measured behind that); one longer than
#: TOO_SLOW_S is not loaded at all: VISITS_ONE_AT_A_TIME visits are timed one after another.
SLOW_S, TOO_SLOW_S, VISITS_ONE_AT_A_TIME = 1.0, 5.0, 3
#: The longest measure of one page (a measure lasts long enough for its queue to be crossed a few times).
MAX_MEASURE_S = 20
#: The mix: this many accounts of each role, each opening other records, and one write through the API this often.
ACCOUNTS_PER_ROLE = 8
RECORDS_PER_KIND = 64
WRITE_EVERY_S = 1.0
ROLES = ("officer", "manager", "donor", "admin")

#: (name, role, path template, extra headers). A template names what varies from one visit to the next: {request},
#: {activity}, {state}, {instrument} (a record drawn from the whole table), {page} (a list's page) and {filter}
#: (one of the list's FILTERS). Every visit of a page goes as another account of its role, with its bearer token.
PAGES = [
    ("home, officer", "officer", "/", {}),
    ("home, manager", "manager", "/", {}),
    ("home, donor", "donor", "/", {}),
    ("managers' queue", "manager", "/queue?page={page_small}{filter}", {}),
    ("request list", "officer", "/requests/?page={page}{filter}", {}),
    ("a request", "officer", "/requests/{request}", {}),
    ("activity list", "officer", "/activities/?page={page}{filter}", {}),
    ("an activity", "manager", "/activities/{activity}", {}),
    ("activity form", "officer", "/activities/{activity}/edit", {}),
    ("new activity form", "officer", "/activities/new", {}),
    ("State page", "officer", "/states/{state}", {}),
    ("State page, French", "officer", "/states/{state}", {"Accept-Language": "fr"}),
    ("State page, Arabic", "officer", "/states/{state}", {"Accept-Language": "ar"}),
    ("instrument page", "officer", "/instruments/{instrument}", {}),
    ("outcomes", "manager", "/outcomes/", {}),
    ("period report, a year", "manager", "/reports/period?from={year}-01-01&to={year}-12-31", {}),
    ("donor portal", "donor", "/funding/", {}),
    ("donor's statement", "donor", "/funding/statement", {}),
    ("API requests", "officer", "/api/v1/requests?page={page}{filter}", {}),
    ("API missions", "officer", "/api/v1/missions?page={page}", {}),
    ("API contributions, donor", "donor", "/api/v1/contributions?page={page_small}", {}),
    ("picker: States", "officer", "/api/v1/lookup/states?q={prefix}", {}),
    # The pickers searching tables that grow with the work (a trigram index each on PostgreSQL): text that
    # matches few rows or none is what read a whole table before.
    ("picker: requests", "officer", "/api/v1/lookup/requests?q={prefix}", {}),
    ("picker: experts", "officer", "/api/v1/lookup/experts?q={prefix}", {}),
]
#: Filters of each list, drawn in turn (the empty one too: the list as it opens), by the page template's path.
FILTERS = {
    "/requests/": ["", "&status=pending", "&instrument=TIP", "&instrument=UNTOC&sort=-received_date",
                   "&sort=state", "&q=law", "&status=approved&instrument=SOM", "&age=over-90"],
    "/queue": ["", "&instrument=TIP", "&sort=received_date", "&sort=due_date", "&q=law"],
    "/activities/": ["", "&status=completed", "&instrument=TIP", "&sort=-start_date", "&kind=mission", "&q=law",
                     "&sort=title&instrument=UNTOC"],
    "/api/v1/requests": ["", "&status=pending", "&instrument=TIP", "&sort=-received_date", "&q=law"],
}
#: What a picker is asked: the start of a name, as someone types it.
PREFIXES = ["bra", "ma", "sa", "gu", "ni", "bo", "co", "t"]
#: The years a period report covers, drawn in turn.
YEARS = [2000, 2003, 2006, 2010, 2014, 2018]
#: Pages that need something the app may not have yet: skipped with the reason until it does.
LANGUAGES = {"State page, French": "fr", "State page, Arabic": "ar"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
