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

Its parts: run_settings (the environment: BENCH_SCALES, e.g. "1000,5000" for a quick run, BENCH_SECONDS,
BENCH_ROUNDS, BENCH_SEED, BENCH_DATABASE_URL, BENCH_REBUILD=1…), run_servers (the databases and servers),
run_sign_in (each endpoint's way in), run_load (wrk or bench/loadgen.py, and the first visit) and run_report (the
table). This module runs them: prepare, measure in rounds, write the results.
The served app runs as in production (PALERMO_ENV=production): pages are kept until the record changes
(app/page_cache.py), in each worker's memory, or in Redis when CACHE_STORAGE_URI is set.
A benchmark, not a test: nothing here asserts; the targets are read from the results.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys

import run_load
import run_report
import run_servers
import run_sign_in
from run_settings import (
    CONNECTIONS,
    DURATION,
    ENDPOINTS,
    ROOT,
    ROUNDS,
    SCALES,
    SEED,
    TARGET_P95_MS,
    TARGET_RATIO,
    TARGET_SLOWDOWN,
    THREADS,
    WARMUP_SECONDS,
    WORKERS,
    log,
)


def prepare(instance: run_servers.Instance) -> dict:
    """Each endpoint's way in (its session, token or feed token), then each page's first visit. Every sign-in
    and token is made before the first visit of any page: each of them writes to the record (a last sign-in,
    a new token), which would set back every page kept before it."""
    ways = {name: run_sign_in.headers_for(instance, auth, path) for name, auth, path in ENDPOINTS}
    prepared = {}
    for name, _auth, path in ENDPOINTS:
        extra, target = ways[name]
        status, first_visit_ms = run_load.probe(instance.port, target, extra)
        prepared[name] = {"extra": extra, "target": target, "status": status, "first_visit_ms": first_visit_ms}
        if status != 200:
            prepared[name]["note"] = "the route does not exist yet" if status == 404 else f"answers {status}"
            log(f"[{instance.scale}] {name}: {path} {prepared[name]['note']}: not measured")
    return prepared


def median_of(runs: list[dict]) -> dict:
    """One figure per measure, the median over the rounds (requests and bad answers: their sums), with every
    round's figures kept beside it."""
    summary = {key: round(statistics.median(run.get(key, 0) for run in runs), 2)
               for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
    summary.update({key: sum(run.get(key, 0) for run in runs) for key in ("requests", "non2xx", "errors")})
    summary["seconds"] = round(sum(run.get("seconds", 0) for run in runs), 3)
    summary["rounds"] = runs
    return summary


def measure(binary: str, instances: list[run_servers.Instance], hello: run_servers.HelloWorld) -> tuple[dict, dict]:
    """ROUNDS rounds; in each, hello world once, then every endpoint at every scale, one after the other. The
    scales take turns going first. A machine whose speed drifts during the run (another tenant, the CPU's
    clock) then weighs on both scales of a page alike, instead of on whichever was measured during the drift;
    each figure is the median of its rounds."""
    prepared = {instance.scale: prepare(instance) for instance in instances}
    hello_runs, runs = [], {instance.scale: {name: [] for name, _a, _p in ENDPOINTS} for instance in instances}
    for round_number in range(ROUNDS):
        hello_runs.append(run_load.measure_once(binary, hello.port, "/", []))
        log(f"round {round_number + 1}/{ROUNDS}: hello world {hello_runs[-1].get('rps', 0):.0f} requests/s")
        order = instances if round_number % 2 == 0 else instances[::-1]
        for name, _auth, _path in ENDPOINTS:
            for instance in order:
                way = prepared[instance.scale][name]
                if way["status"] != 200:
                    continue
                run = run_load.measure_once(binary, instance.port, way["target"], way["extra"])
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
    binary = run_load.ensure_wrk()
    engine = "postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"
    results = {"settings": {"workers": WORKERS, "connections": CONNECTIONS, "threads": THREADS,
                            "duration_s": DURATION, "warmup_s": WARMUP_SECONDS, "rounds": ROUNDS, "seed": SEED,
                            "engine": engine, "load_generator": run_load.generator_name(binary),
                            "machine": platform.platform(), "cpus": os.cpu_count(),
                            "python": platform.python_version()},
               "targets": {"ratio_to_hello_world": TARGET_RATIO, "p95_ms": TARGET_P95_MS,
                           "slowdown_largest_over_smallest": TARGET_SLOWDOWN},
               "scales": {}}
    instances = [run_servers.Instance(scale) for scale in SCALES]
    seeded = {instance.scale: instance.build() for instance in instances}
    hello = run_servers.HelloWorld()
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
    run_report.report(results)
    text = json.dumps(results, indent=2) + "\n"
    (ROOT / "bench" / "results.json").write_text(text)
    (ROOT / "bench" / f"results-{engine}.json").write_text(text)  # the last run on each engine, side by side
    log(f"written {ROOT / 'bench' / 'results.json'}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--report"]:  # the table again, from the last results.json
        run_report.report(json.loads((ROOT / "bench" / "results.json").read_text()))
    else:
        main()
