"""Speed and memory of the similarity stage on synthetic routes shaped like the real map.

    .venv/bin/python speed-scripts/similarity.py [--sizes 5000 20000 50000] [--naive-limit 20000]

Synthetic routes are drawn from the bundled map's own routes (so providers, modes, modalities, capability sets and
context windows follow its distributions), each copy with its price scaled by a log-normal factor (sigma 0.5) and its
base model renamed per copy so that copies are not alternatives of each other. Each measurement runs in a fresh
subprocess; peak memory is that process's peak RSS. The naive form (sql/similarity/reference_lists.sql) scores
every comparable pair (no bounds, no window) and ranks with a window function, as a plain SQL user would write it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def synthetic_tables(n: int, seed: int = 7) -> dict:
    """n routes drawn from the bundled map's routes, with their prices, limits and capabilities."""
    import gzip

    import duckdb

    from llm_catalog.normalized.litellm.normalize import normalize
    from llm_catalog.paths import BUNDLED_LITELLM_MAP

    real = normalize(json.loads(gzip.decompress(BUNDLED_LITELLM_MAP.read_bytes()))).tables
    con = duckdb.connect()
    for name in ("routes", "prices", "limits", "capabilities"):
        con.register(f"real_{name}", real[name])
    con.execute(f"SELECT setseed({1 / seed})")
    con.execute(f"""
        CREATE TABLE draw AS
        WITH numbered AS (SELECT route_id, row_number() OVER (ORDER BY route_id) - 1 AS pos FROM real_routes)
        SELECT i, route_id AS source_id, i // (SELECT count(*) FROM real_routes) AS copy,
               exp(0.5 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())) AS price_factor
        FROM range({n}) t(i)
        JOIN numbered ON numbered.pos = i % (SELECT count(*) FROM real_routes)
    """)
    out = {}
    out["routes"] = con.sql("""
        SELECT r.* REPLACE (r.route_id || '#' || d.i AS route_id, r.base_model || '~' || d.copy AS base_model,
                            CASE WHEN r.duplicate_of IS NULL THEN NULL
                                 ELSE r.duplicate_of || '#' || d.i END AS duplicate_of)
        FROM draw d JOIN real_routes r ON r.route_id = d.source_id ORDER BY d.i""").to_arrow_table()
    out["prices"] = con.sql("""
        SELECT p.* REPLACE (p.route_id || '#' || d.i AS route_id, p.usd * d.price_factor AS usd)
        FROM draw d JOIN real_prices p ON p.route_id = d.source_id""").to_arrow_table()
    for name in ("limits", "capabilities"):
        out[name] = con.sql(f"""
            SELECT t.* REPLACE (t.route_id || '#' || d.i AS route_id)
            FROM draw d JOIN real_{name} t ON t.route_id = d.source_id""").to_arrow_table()
    return out


def run_one(n: int, form: str) -> dict:
    """Runs in the subprocess: build the synthetic tables, then time the similarity stage alone."""
    from llm_catalog.similarity import lists

    if form.startswith("catalog="):  # a warehouse's current snapshot: every source, reconciled, with benchmarks
        from llm_catalog.readers import snapshot
        from llm_catalog.warehouse.store import Warehouse

        con, _ = snapshot.connect(Warehouse(Path(form.removeprefix("catalog="))))
        names = ("routes", "prices", "limits", "capabilities", "benchmarks")
        tables = {name: con.sql(f"SELECT * FROM {name}").to_arrow_table() for name in names}
        n = tables["routes"].num_rows
    elif form == "real":  # the bundled map itself, as the sync runs it
        import gzip

        from llm_catalog.normalized.litellm.normalize import normalize
        from llm_catalog.paths import BUNDLED_LITELLM_MAP

        tables = normalize(json.loads(gzip.decompress(BUNDLED_LITELLM_MAP.read_bytes()))).tables
        n = tables["routes"].num_rows
    else:
        tables = synthetic_tables(n)
    started = time.perf_counter()
    if form in ("ours", "real") or form.startswith("catalog="):
        result = lists.compute(tables, threads=2)
        rows = result["similar_models"].num_rows
    else:
        con = lists.connect(tables["routes"], tables["prices"], tables["limits"], tables["capabilities"], threads=2)
        con.execute("SET memory_limit = '16GB'")
        rows = lists.reference_lists(con).num_rows
    elapsed = time.perf_counter() - started
    return {
        "n": n,
        "form": form,
        "seconds": round(elapsed, 2),
        "rows": rows,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def measure(n: int, form: str, timeout: float) -> dict:
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(n), form], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"n": n, "form": form, "error": f"did not finish in {timeout:.0f}s"}
    if done.returncode != 0:
        return {"n": n, "form": form, "error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 50000])
    parser.add_argument("--naive-limit", type=int, default=20000, help="largest N to try the naive form at")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument(
        "--warehouse", type=Path, help="also time the stage on this warehouse's current snapshot (the default catalog)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of the catalog's and the map's measurement")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(int(args.one[0]), args.one[1])))
        return
    if args.warehouse:
        runs = [measure(0, f"catalog={args.warehouse.resolve()}", args.timeout) for _ in range(args.repeat)]
        seconds = sorted(r.get("seconds", float("inf")) for r in runs)
        print(
            f"default catalog ({runs[0].get('n')} routes, {args.warehouse}): median {seconds[len(seconds) // 2]} s of "
            f"{len(runs)} (each {seconds}), {max(r.get('peak_rss_mib', 0) for r in runs)} MiB peak RSS, "
            f"{runs[0].get('rows', runs[0].get('error'))} rows (target <= 1.5 s)",
            flush=True,
        )
    real = measure(0, "real", args.timeout)
    print(
        f"bundled map ({real.get('n')} routes): {real.get('seconds', real.get('error'))} s, "
        f"{real.get('peak_rss_mib', '-')} MiB, {real.get('rows', '-')} rows",
        flush=True,
    )
    results = [{"real": real}]
    for n in args.sizes:
        ours = measure(n, "ours", args.timeout)
        naive = measure(n, "naive", args.timeout) if n <= args.naive_limit else {"error": "not attempted"}
        results.append({"ours": ours, "naive": naive})
        ratio = (
            f"{naive['seconds'] / ours['seconds']:.1f}x faster" if "seconds" in naive and "seconds" in ours else "n/a"
        )
        print(
            f"N={n:>6}  ours: {ours.get('seconds', ours.get('error'))} s, {ours.get('peak_rss_mib', '-')} MiB, "
            f"{ours.get('rows', '-')} rows   naive: {naive.get('seconds', naive.get('error'))} s, "
            f"{naive.get('peak_rss_mib', '-')} MiB   ratio: {ratio}",
            flush=True,
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
