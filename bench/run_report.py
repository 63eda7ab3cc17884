"""The table `make bench` (bench/run.py) prints from its results, also on its own: `bench/run.py --report`.

One line per page: at each scale, with every cache off, the server time in process (median and p95), statements,
bytes, the rate as a share of hello world's in the same run and the p90 under load; then, caches on, the share of
hello world's and the page cache's hit rate on the same mix; last, the growth of the median server time from the
smallest scale to the largest, and the targets of issue 26 the largest scale misses."""
from __future__ import annotations

from run_settings import PAGES, TARGET_GROWTH, TARGET_P90_MS, TARGET_RATIO, TARGET_SERVER_MS


def _share(row: dict) -> str:
    return f"{row['ratio']:>8.2%}" if row.get("ratio") is not None else f"{'unld':>8}"


def _cells(row: dict | None, on: dict | None) -> str:
    if not row or row.get("note") or "server_p50_ms" not in row:
        return f"{'—':>8}{'—':>8}{'—':>6}{'—':>9}{'—':>8}{'—':>8}{'—':>8}{'—':>6}"
    shown = (f"{row['server_p50_ms']:>8.1f}{row['server_p95_ms']:>8.1f}{row['statements']:>6.0f}"
             f"{row['bytes'] / 1024:>8.0f}K{_share(row)}{row.get('p90_ms', 0):>8.0f}")
    if on and "server_p50_ms" in on:
        return shown + f"{_share(on)}{on['hit_rate']:>6.0%}"
    return shown + f"{'—':>8}{'—':>6}"


def _verdict(row: dict | None, growth: float | None) -> str:
    if not row or row.get("note"):
        return f"not measured: {(row or {}).get('note', 'not in this run')}"
    if "server_p50_ms" not in row:
        return "no figures"
    missed = [] if row.get("loaded", True) else [f"not loaded: a visit takes {row['first_visit_s']:.0f} s"]
    if (row.get("ratio") or 0) < TARGET_RATIO:
        missed.append(f"< {TARGET_RATIO:.0%} of hello")
    if row.get("p90_ms", 0) >= TARGET_P90_MS:
        missed.append(f"p90 >= {TARGET_P90_MS:.0f} ms")
    if row.get("server_p50_ms", 0) >= TARGET_SERVER_MS:
        missed.append(f"server >= {TARGET_SERVER_MS:.0f} ms")
    if growth and growth > TARGET_GROWTH:
        missed.append(f"grows {growth:.2f}x")
    if row.get("non2xx") or row.get("errors"):
        missed.append(f"{row.get('non2xx', 0)} non-2xx, {row.get('errors', 0)} errors")
    return "MISSES " + "; ".join(missed) if missed else "meets targets"


def report(results: dict) -> None:
    off = results["phases"].get("caches_off", {}).get("scales", {})
    on = results["phases"].get("caches_on", {}).get("scales", {})
    scales = list(off or on)
    small, large = scales[0], scales[-1]
    print(f"caches off: server time in process p50/p95 (ms), statements, bytes, % of hello world's rate, p90 under"
          f" load (ms); caches on: % of hello world, hit rate — engine {results['settings']['engine']}")
    print(f"{'page':<26}" + "".join(f"{'@' + s:>12}{'':>58}" for s in scales) + f"{'growth':>8}  verdict")
    print(f"{'':<26}" + f"{'p50':>8}{'p95':>8}{'stmts':>6}{'bytes':>9}{'%hello':>8}{'p90':>8}{'on%':>8}{'hit':>6}"
          * len(scales))
    growths = {}
    for name, *_rest in PAGES:
        rows = [(off.get(s, {}).get(name), on.get(s, {}).get(name)) for s in scales]
        a, b = off.get(small, {}).get(name) or {}, off.get(large, {}).get(name) or {}
        growth = (round(b["server_p50_ms"] / a["server_p50_ms"], 2)
                  if a.get("server_p50_ms") and b.get("server_p50_ms") and small != large else None)
        growths[name] = growth
        if not any(r for r, _on in rows):
            continue
        shown = f"{growth:.2f}x" if growth else "—"
        print(f"{name[:25]:<26}" + "".join(_cells(r, o) for r, o in rows) + f"{shown:>8}  "
              + _verdict(off.get(large, {}).get(name), growth))
    results["growth"] = growths
    for phase, figures in results["phases"].items():
        print(f"{phase}: hello world {figures['hello_world']['rps']:.0f} requests/s; API writes " + ", ".join(
              f"@{s}: {w['written']} written, {w['refused']} refused" for s, w in figures["writes"].items()))
    print("unld: not loaded (a visit took over 5 s; timed one at a time). A page over 1 s a visit is loaded with one"
          " connection per worker.")
    settings = results["settings"]
    print(f"load average at start {settings.get('load_average_at_start')}, at end "
          f"{settings.get('load_average_at_end')}; {settings.get('cpus')} CPUs; {settings.get('load_generator')}; "
          f"each figure: the median of {settings.get('rounds')} round(s) of {settings.get('duration_s')} s")
