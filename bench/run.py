"""`make bench`: the key pages under load, first visits and a realistic mix, beside a hello-world Flask app.

    .venv/bin/python bench/run.py [--scales 20000,200000] [--engine sqlite|postgresql] [--seconds 3]
                                  [--rounds 1] [--pages SUBSTRING] [--report]

For each scale, a database seeded with the reference record and `flask seed synthetic --requests N --seed S`, kept
between runs (bench/run_servers.py); ACCOUNTS_PER_ROLE accounts of each role with bearer tokens and the records
they open (bench/run_accounts.py). Every scale is served at once by gunicorn (2 workers each) on bench/served.py,
which notes each request's server time in process, its statements and bytes and whether the page cache answered.
Then, first with every cache OFF (the headline) and again with the caches ON (the second column): per round,
hello world (bench/hello.py, same gunicorn settings) under wrk, then each page at each scale under wrk replaying
the page's mix (bench/run_mix.py: each visit another account and another record, list page or filter) while an
officer writes through the API every second (bench/run_load.py's Writer). Prints the table (bench/run_report.py),
writes bench/results.json and bench/results-<engine>.json. A benchmark, not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess

import run_load
import run_mix
import run_report
import run_servers
import run_settings
import run_sign_in
from run_settings import CONNECTIONS, PAGES, PYTHON, ROOT, THREADS, WORK, WORKERS, log


def people_of(instance: run_servers.Instance) -> dict:
    result = subprocess.run([PYTHON, str(ROOT / "bench" / "run_accounts.py")], cwd=ROOT, env=instance.env,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def prepare(instance: run_servers.Instance, people: dict, pages: list) -> dict:
    """Each page's mix written to its file, and one visit probed for its status and size: a page that does not
    answer 200 (a route not there yet) or needs what the app lacks (a translation) is skipped, with why."""
    prepared = {}
    for name, role, template, extra in pages:
        made = run_mix.visits(name, role, template, extra, people)
        status = run_load.probe(instance.port, *made[0])
        why = run_mix.missing_language(name)
        if status["status"] != 200 and why is None:
            why = "the route does not exist yet" if status["status"] == 404 else f"answers {status['status']}"
        prepared[name] = {"path": template, "role": role, **status, "note": why,
                          "visits": run_mix.write(WORK / f"mix-{instance.tag}-{len(prepared)}.tsv", made)}
        if why:
            log(f"[{instance.scale}] {name}: {why}: not measured")
    return prepared


def server_figures(noted: list[dict]) -> dict:
    """The served app's own figures of one measure (bench/served.py): server time, statements, bytes, hits."""
    if not noted:
        return {}
    times = sorted(n["ms"] for n in noted)
    return {"server_p50_ms": round(statistics.median(times), 2),
            "server_p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
            "statements": statistics.median(n["statements"] for n in noted),
            "bytes": int(statistics.median(n["bytes"] for n in noted)),
            "hit_rate": round(sum(n["hit"] for n in noted) / len(noted), 3),
            "served_non2xx": sum(not 200 <= n["status"] < 300 for n in noted), "served": len(noted)}


def measure_phase(binary, instances, hello, people, pages, rounds: int, caches: bool) -> dict:
    """One phase (caches off, or on): every instance served so, ROUNDS rounds of hello world then every page at
    every scale (the scales taking turns to go first), an API write every second on each. Each page's figures are
    those of its median round by rate."""
    for instance in instances:
        instance.serve(caches)
        run_sign_in.sign_in_everyone(instance.port, people[instance.scale]["accounts"])  # sessions of this serving
    writers = [run_load.Writer(i.port, people[i.scale]["accounts"]["officer"][0]["token"],
                               people[i.scale]["records"]["requests"]) for i in instances]
    try:
        prepared = {i.scale: prepare(i, people[i.scale], pages) for i in instances}
        for writer in writers:
            writer.start()
        hello_runs, runs = [], {i.scale: {p[0]: [] for p in pages} for i in instances}
        for round_number in range(rounds):
            hello_runs.append(run_load.measure_once(binary, hello.port, hello.visits))  # its /login: a 404, quick
            log(f"caches {'on' if caches else 'off'}, round {round_number + 1}/{rounds}: hello world "
                f"{hello_runs[-1].get('rps', 0):.0f}/s, load {os.getloadavg()[0]:.1f}")
            for name, *_rest in pages:
                for instance in instances if round_number % 2 == 0 else instances[::-1]:
                    way = prepared[instance.scale][name]
                    if way["note"]:
                        continue
                    instance.harvest()  # what the warm-up and the writer left: not this measure's
                    run = run_load.measure_once(binary, instance.port, way["visits"], way["first_visit_s"])
                    run.update(server_figures([n for n in instance.harvest() if n["page"] == name]))
                    run["load_average"] = round(os.getloadavg()[0], 2)
                    runs[instance.scale][name].append(run)
                    log(f"  [{instance.scale}] {name}: {run.get('rps', 0):.0f}/s, server p50 "
                        f"{run.get('server_p50_ms', 0):.1f} ms, {run.get('statements', '?')} statements, "
                        f"hits {run.get('hit_rate', 0):.0%}")
        writes = {i.scale: {"written": w.written, "refused": w.refused}
                  for i, w in zip(instances, writers, strict=True)}
    finally:
        for writer in writers:
            writer.stop()
        for instance in instances:
            instance.stop()
    return summarise(prepared, runs, hello_runs, writes)


def summarise(prepared: dict, runs: dict, hello_runs: list[dict], writes: dict) -> dict:
    hello_rps = statistics.median(r.get("rps", 0) for r in hello_runs) if hello_runs else 0
    phase = {"hello_world": {"rps": hello_rps, "rounds": hello_runs}, "writes": writes, "scales": {}}
    for scale, pages in prepared.items():
        rows = {}
        for name, way in pages.items():
            row = {k: way[k] for k in ("path", "role", "status", "first_visit_s", "first_visit_bytes", "gzip_bytes",
                                       "note")}
            done = sorted(runs[scale][name], key=lambda r: r.get("rps", 0))
            if done:
                row.update(done[len(done) // 2])
                loaded = hello_rps and row.get("loaded", True)
                row["ratio"] = round(row.get("rps", 0) / hello_rps, 4) if loaded else None
                row["rounds"] = done
            rows[name] = row
        phase["scales"][str(scale)] = rows
    return phase


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default=",".join(map(str, run_settings.SCALES)),
                        help="requests of each database, comma-separated (e.g. 1000 for a quick run)")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"),
                        default="postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite")
    parser.add_argument("--seconds", type=int, default=run_settings.DURATION, help="each measure, after 1 s warm-up")
    parser.add_argument("--rounds", type=int, default=run_settings.ROUNDS)
    parser.add_argument("--pages", default="", help="only the pages whose name contains one of these (commas)")
    parser.add_argument("--caches", choices=("both", "off", "on"), default="both")
    parser.add_argument("--report", action="store_true", help="print the table of the last run again")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    if args.report:
        run_report.report(json.loads((ROOT / "bench" / "results.json").read_text()))
        return
    if args.engine == "postgresql":
        os.environ.setdefault("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
    run_settings.DURATION = args.seconds
    binary = run_load.ensure_wrk()
    wanted = [w.strip().lower() for w in args.pages.split(",")]
    pages = [p for p in PAGES if any(w in p[0].lower() for w in wanted)]
    instances = [run_servers.Instance(int(s)) for s in args.scales.split(",") if s.strip()]
    seeded = {i.scale: i.build() for i in instances}
    people = {i.scale: people_of(i) for i in instances}
    results = {"settings": {"workers": WORKERS, "connections": CONNECTIONS, "threads": THREADS,
                            "duration_s": args.seconds, "rounds": args.rounds, "engine": args.engine,
                            "load_generator": run_load.generator_name(binary), "machine": platform.platform(),
                            "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg(),
                            "accounts_per_role": run_settings.ACCOUNTS_PER_ROLE,
                            "visits_per_page": run_settings.RECORDS_PER_KIND},
               "databases": {str(i.scale): {"database": i.name, "seed_synthetic_s": seeded[i.scale]}
                             for i in instances},
               "phases": {}}
    hello = run_servers.HelloWorld()
    try:
        for caches in {"both": (False, True), "off": (False,), "on": (True,)}[args.caches]:
            results["phases"]["caches_on" if caches else "caches_off"] = measure_phase(
                binary, instances, hello, people, pages, args.rounds, caches)
    finally:
        hello.stop()
    results["settings"]["load_average_at_end"] = os.getloadavg()
    run_report.report(results)
    text = json.dumps(results, indent=2, default=str) + "\n"
    (ROOT / "bench" / "results.json").write_text(text)
    (ROOT / "bench" / f"results-{args.engine}.json").write_text(text)  # the last run on each engine, side by side
    log(f"written {ROOT / 'bench' / 'results.json'}")


if __name__ == "__main__":
    main()
