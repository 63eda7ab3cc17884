"""The table `make bench` (bench/run.py) prints from its results, also on its own: `bench/run.py --report`."""
from __future__ import annotations

from run_settings import ENDPOINTS, TARGET_P95_MS, TARGET_RATIO, TARGET_SLOWDOWN


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
