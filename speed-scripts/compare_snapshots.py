"""Is the published catalog the same with two versions of the code? With the code of two commits (or a commit and
the working tree), syncs into two fresh warehouses the bundled sources as of one day and then an edited copy of the
bundled map as of a later day (prices, limits and flags changed, entries removed and added, so the history tables
and `changes` have rows), then compares every table of the current snapshot row for row, leaving aside what names or
dates the run itself (snapshot ids, timestamps, code version, fingerprint).

    python speed-scripts/compare_snapshots.py --before HEAD~3            # HEAD~3 against the working tree
    python speed-scripts/compare_snapshots.py --before v1 --after v2

models.dev's and LLM Stats' trees are read from ../shared/sources when it is there (else those sources are off), and
the Aider leaderboard from its copy there, so the benchmark and model tables are compared on real data too. Prints a
line per table and exits 1 when any table differs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO / ".." / "shared" / "sources").resolve()
# columns that say which snapshot a row is of, and when and by which code it was made, not what it holds
# (`snapshot` is the hive partition column DuckDB reads from the path)
RUN_COLUMNS = ("snapshot", "snapshot_id", "previous_snapshot_id", "created_at", "fingerprint", "code_version")


def checkout(rev: str | None, work: Path) -> Path:
    """The tree of ``rev`` (a detached worktree), or the working tree when ``rev`` is None."""
    if rev is None:
        return REPO
    tree = work / f"tree-{rev.replace('/', '_')}"
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", "--force", str(tree), rev],
        check=True,
        capture_output=True,
    )
    return tree


def source_settings() -> dict[str, str]:
    if not SHARED.is_dir():
        return {"models_dev": "off", "llm_stats": "off", "aider": "off"}
    return {
        "models_dev": str(SHARED / "models.dev"),
        "llm_stats": str(SHARED / "llm-stats"),
        "aider": str(SHARED / "aider" / "polyglot_leaderboard.yml"),
    }


def edited_map(work: Path) -> Path:
    """The bundled map with deterministic edits, as a later day's map: prices up, limits and flags changed, entries
    gone and one new, so that the second snapshot has changes and history periods to compare."""
    import gzip
    import json

    entries = json.loads(
        gzip.decompress((REPO / "data" / "litellm" / "model_prices_and_context_window.json.gz").read_bytes())
    )
    routes = sorted(k for k, v in entries.items() if isinstance(v, dict) and "litellm_provider" in v)
    for i, key in enumerate(routes):
        entry = entries[key]
        if i % 40 == 0 and isinstance(entry.get("input_cost_per_token"), (int, float)):
            entry["input_cost_per_token"] = entry["input_cost_per_token"] * 1.25
        if i % 70 == 0 and isinstance(entry.get("max_input_tokens"), int):
            entry["max_input_tokens"] = entry["max_input_tokens"] * 2
        if i % 60 == 0:
            entry["supports_vision"] = not entry.get("supports_vision", False)
    for key in routes[5::97]:
        del entries[key]
    entries["deepinfra/acme/compare-snapshots-new"] = dict(entries[routes[1]])
    path = work / "edited-map.json"
    path.write_text(json.dumps(entries))
    return path


# two syncs: the bundled map as of one day, then the edited map as of a later day
SYNCS = """
import json, sys
try:
    from pipelines.run import run_sync
except ImportError:  # code from before the command line was split
    from pipelines.cli import run_sync
settings = json.loads(sys.argv[2])
for as_of, litellm in (("2026-11-01", ""), ("2026-11-15", sys.argv[3])):
    ok, message = run_sync(__import__("pathlib").Path(sys.argv[1]), litellm=litellm, as_of=as_of, quiet=True,
                           **settings)
    if not ok:
        sys.exit(message)
"""


def sync(tree: Path, warehouse: Path, edited: Path) -> float:
    import json

    env = {**os.environ, "PYTHONPATH": str(tree), "LLM_CATALOG_WAREHOUSE": str(warehouse)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", SYNCS, str(warehouse), json.dumps(source_settings()), str(edited)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"sync with the code in {tree} failed:\n{done.stderr}")
    return time.monotonic() - started


def current_tables(warehouse: Path) -> dict[str, Path]:
    con = duckdb.connect()
    snapshot = con.execute(f"SELECT snapshot_id FROM read_json('{warehouse / 'CURRENT'}')").fetchone()[0]
    return {p.parent.parent.name: p for p in warehouse.glob(f"*/snapshot={snapshot}/part-0.parquet")}


def selected(name: str, columns: list[str], tree: Path) -> str:
    """The select list of ``columns``; in `snapshots`, with the checkout's folder left out of the origins."""
    if name != "snapshots":
        return ", ".join(f'"{c}"' for c in columns)
    return ", ".join(f"replace(CAST(\"{c}\" AS VARCHAR), '{tree}', '<checkout>') AS \"{c}\"" for c in columns)


def compare(before: Path, after: Path, trees: list[Path]) -> list[tuple[str, int, int, int, int]]:
    """(table, rows before, rows after, rows only before, rows only after) for every table either side published.
    A bundled source's origin names the checkout it was read from: that folder is left aside too."""
    old, new = current_tables(before), current_tables(after)
    con = duckdb.connect()
    found = []
    for name in sorted(old.keys() | new.keys()):
        if name not in old or name not in new:
            found.append((name, -1 if name not in old else 0, -1 if name not in new else 0, 0, 0))
            continue
        columns = [c for c in con.sql(f"SELECT * FROM '{old[name]}' LIMIT 0").columns if c not in RUN_COLUMNS]

        a, b = (
            f"SELECT {selected(name, columns, tree)} FROM '{path}'"
            for tree, path in zip(trees, (old[name], new[name]), strict=True)
        )
        rows_a, rows_b = (
            con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0] for path in (old[name], new[name])
        )
        only_a = con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchone()[0]
        only_b = con.execute(f"SELECT count(*) FROM ({b} EXCEPT ALL {a})").fetchone()[0]
        found.append((name, rows_a, rows_b, only_a, only_b))
        if only_a or only_b:  # a few of the differing rows, to see what moved
            for side, query in (("before", f"{a} EXCEPT ALL {b}"), ("after", f"{b} EXCEPT ALL {a}")):
                for row in con.execute(f"{query} LIMIT 2").fetchall():
                    print(f"  {name} only {side}: {str(row)[:400]}", file=sys.stderr)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="the commit to compare against")
    parser.add_argument("--after", help="the commit to compare (default: the working tree)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="compare-snapshots-") as tmp:
        work = Path(tmp)
        trees = [checkout(args.before, work), checkout(args.after, work)]
        try:
            edited = edited_map(work)
            seconds = [sync(tree, work / f"warehouse-{i}", edited) for i, tree in enumerate(trees)]
            rows = compare(work / "warehouse-0", work / "warehouse-1", trees)
        finally:
            for tree in trees:
                if tree != REPO:
                    subprocess.run(
                        ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True
                    )
    print(
        f"before: {args.before} (two syncs {seconds[0]:.1f} s); after: "
        f"{args.after or 'working tree'} (two syncs {seconds[1]:.1f} s); "
        f"sources from {SHARED if SHARED.is_dir() else 'the bundled data only'}"
    )
    print(f"{'table':<22}{'rows before':>12}{'rows after':>12}{'only before':>13}{'only after':>12}  equal")
    differ = 0
    for name, rows_a, rows_b, only_a, only_b in rows:
        equal = rows_a == rows_b and rows_a >= 0 and only_a == only_b == 0
        differ += not equal
        print(f"{name:<22}{rows_a:>12}{rows_b:>12}{only_a:>13}{only_b:>12}  {'yes' if equal else 'NO'}")
    print(
        f"{len(rows) - differ} of {len(rows)} tables equal row for row (leaving aside {', '.join(RUN_COLUMNS)}, "
        "and the checkout's folder in the origin of a source read from it)"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
