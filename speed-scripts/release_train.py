"""Does every real litellm release sync and publish? For the highest release uploaded in each month since 1.74 (the
default, from the package index's upload times; --since and --every change it), or the exact releases of
--versions, or one release per step of minors (--minors 74-110 --step 2), takes the map its wheel ships
(downloaded once, cached), syncs it into a
fresh warehouse with the code of this tree (or --code DIR, e.g. a checkout of another commit), and prints per
release: published or refused (with the first line of why), the error, warning and info rejects by rule, the seconds the
sync took and the machine's 1-minute load average after it (/proc/loadavg: the machine is shared, so seconds vary).
Exits 1 when a release does not publish.

    .venv/bin/python speed-scripts/release_train.py [--since 1.74.0] [--every month] [--code DIR] [--cache DIR]
    .venv/bin/python speed-scripts/release_train.py --versions 1.74.12,1.76.1
    .venv/bin/python speed-scripts/release_train.py --minors 74-110 --step 2

The benchmark and model-tree sources are off, so only the cost map (and the bundled model metadata) are read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb
from release_maps import CACHE, fetch_map, fetch_version, monthly_train

REPO = Path(__file__).resolve().parent.parent
OFF = ["--benchmarks", "aider=off", "--benchmarks", "models_dev=off", "--benchmarks", "llm_stats=off",
       "--benchmarks", "artificial_analysis=off"]  # fmt: skip


def bundled_minor() -> int:
    meta = json.loads((REPO / "data" / "litellm" / "SOURCE.json").read_text())
    return int((meta.get("version") or meta.get("litellm_version")).split(".")[1])


def sync(code: Path, map_path: Path, warehouse: Path) -> tuple[bool, str, float]:
    """(published, the first line of what the sync said, seconds) for one map, with the code in ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "sync", "--warehouse", str(warehouse), "--litellm", str(map_path),
         "--quiet", *OFF],
        cwd=code, env=env, capture_output=True, text=True,
    )  # fmt: skip
    said = (done.stderr or done.stdout).strip().splitlines()
    return done.returncode == 0, said[0] if said else "", time.monotonic() - started


def published_rejects(warehouse: Path) -> Counter:
    """The current snapshot's rejects by (severity, rule)."""
    con = duckdb.connect()
    snapshot = con.execute(f"SELECT snapshot_id FROM read_json('{warehouse / 'CURRENT'}')").fetchone()[0]
    rows = con.execute(
        f"SELECT severity, rule, count(*) FROM '{warehouse}/rejects/snapshot={snapshot}/part-0.parquet' GROUP BY ALL"
    ).fetchall()
    return Counter({(severity, rule): n for severity, rule, n in rows})


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def releases(args) -> list:
    """What to sync: a fetch of one map per release, in order."""
    if not args.minors:
        versions = (
            [v.strip() for v in args.versions.split(",")] if args.versions else monthly_train(args.since, args.every)
        )
        return [lambda v=v: fetch_version(v, args.cache) for v in versions]
    low, _, high = args.minors.partition("-")
    minors = list(range(int(low), int(high or low) + 1, args.step))
    if minors[-1] != int(high or low):
        minors.append(int(high or low))  # always the newest of the range
    return [lambda m=m: fetch_map(m, args.cache) for m in minors]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", default="1.74.0", help="the first release of the default train")
    parser.add_argument("--every", default="month", choices=("month", "week", "release"), help="one release per")
    parser.add_argument("--versions", help="exact releases instead, e.g. 1.74.12,1.76.1")
    parser.add_argument("--minors", help=f"litellm 1.X minors instead, e.g. 74-{bundled_minor()}")
    parser.add_argument("--step", type=int, default=2, help="with --minors: every Nth minor")
    parser.add_argument("--code", type=Path, default=REPO, help="the tree whose code syncs (default: this one)")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    fetches = releases(args)
    print(f"code: {args.code}; {len(fetches)} releases")
    print(f"{'release':<10} {'published':<10} {'seconds':>7} {'load':>5}  rejects (error | warning | info) / why not")
    refused = 0
    with tempfile.TemporaryDirectory(prefix="release-train-") as tmp:
        for fetch in fetches:
            data, version = fetch()
            map_path = Path(tmp) / f"{version}.json"
            map_path.write_bytes(data)
            warehouse = Path(tmp) / f"warehouse-{version}"
            ok, said, seconds = sync(args.code, map_path, warehouse)
            if ok:
                rejects = published_rejects(warehouse)
                detail = " | ".join(
                    ", ".join(f"{rule} {n}" for (sev, rule), n in sorted(rejects.items()) if sev == severity) or "none"
                    for severity in ("error", "warning", "info")
                )
            else:
                refused += 1
                detail = said
            print(f"{version:<10} {'yes' if ok else 'NO':<10} {seconds:>7.1f} {load_average():>5}  {detail}")
    print(f"{len(fetches) - refused} of {len(fetches)} releases published")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
