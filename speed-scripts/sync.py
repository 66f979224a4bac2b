"""How long a sync of the bundled map takes, and its peak memory. Prints its figures; run with the venv's python.

    .venv/bin/python speed-scripts/sync.py [--repeat 3]

Every measurement is a cold command in a fresh process (`llm-catalog sync`, as cron or `make sync` runs it), so its
time includes the interpreter and imports, and its peak RSS is that process's own. "unchanged" is a second sync of
the same map into the warehouse the full sync just filled. A first sync into a fresh warehouse also publishes the
bundled year of earlier releases (issue 18); "first sync, no release history" is the same sync with
`--no-release-history`, so the difference is what the history step costs. The aider leaderboard is turned off
(LLM_CATALOG_AIDER=off) unless set: this machine has no internet, and a download that fails is not what is measured.
Targets (issue 23): a full sync (new snapshot) at most 8 s wall and 1 GiB peak; an unchanged sync at most 2 s; the
history step (the bundled months of earlier releases a first sync publishes) at most 10 s. ``--baseline REV`` also
times that commit's syncs, its code taken by `git archive` into a temporary folder, in the same run, each repeat
alternating the two so that both meet the same load. Then one more full sync, not quiet, gives the profile: where
its seconds go (start-up and imports, then each asset and check as the sync's own stage lines time them).
The similarity kernel is compiled on a checkout's first sync and cached beside its code (numba): a warm-up sync
runs first, and ``compile`` says what that first sync cost.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# each child writes its own peak RSS (KiB on Linux) to the file named in $PEAK_RSS_FILE when it is done
REPORT = (
    "import atexit, os, resource; atexit.register(lambda: open(os.environ['PEAK_RSS_FILE'], 'w')"
    ".write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)));"
)
SYNC = REPORT + "import sys; from pipelines.cli import main; sys.exit(main(sys.argv[1:]))"
PARSE_NORMALIZE = REPORT + (
    "import gzip; from llm_catalog.paths import BUNDLED_LITELLM_MAP as p;"
    "from llm_catalog.normalized.litellm.payload import parse_payload;"
    "from llm_catalog.normalized.litellm.normalize import normalize;"
    "e, d = parse_payload(gzip.decompress(p.read_bytes())); normalize(e, duplicates=d)"
)


def measure(code: str, *args: str, cwd: str | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS MiB) of one cold Python process running ``code`` with ``args``. CPU
    time (user + system) is what the process itself used, whatever else the machine was doing meanwhile."""
    with tempfile.NamedTemporaryFile(suffix=".rss") as peak:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code, *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PEAK_RSS_FILE": peak.name},
            cwd=cwd,  # a baseline's code: `python -c` imports from the working folder first
        )
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return elapsed, cpu, int(Path(peak.name).read_text() or 0) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", metavar="REV", help="also time this commit's full syncs, in the same run")
    args = parser.parse_args()
    baseline = checkout(args.baseline) if args.baseline else None
    os.environ.setdefault("LLM_CATALOG_AIDER", "off")
    figures: dict[str, list[tuple[float, float, float]]] = {
        "parse+normalize": [],
        "full sync (new snapshot)": [],
        "first sync, no release history": [],
        "unchanged sync": [],
    }
    if baseline:
        figures[f"{args.baseline}: full sync"] = []
        figures[f"{args.baseline}: first, no history"] = []
    with tempfile.TemporaryDirectory() as wh:  # compiles the kernel when this checkout has no cache yet
        warm = measure(SYNC, "sync", "--warehouse", wh, "--quiet", "--no-release-history")
    for _ in range(args.repeat):
        figures["parse+normalize"].append(measure(PARSE_NORMALIZE))
        with tempfile.TemporaryDirectory() as wh:
            figures["full sync (new snapshot)"].append(measure(SYNC, "sync", "--warehouse", wh, "--quiet"))
            figures["unchanged sync"].append(measure(SYNC, "sync", "--warehouse", wh, "--quiet"))
        with tempfile.TemporaryDirectory() as wh:
            figures["first sync, no release history"].append(
                measure(SYNC, "sync", "--warehouse", wh, "--quiet", "--no-release-history")
            )
        if baseline:
            for label, extra in (("full sync", ()), ("first, no history", ("--no-release-history",))):
                with tempfile.TemporaryDirectory() as wh:
                    figures[f"{args.baseline}: {label}"].append(
                        measure(SYNC, "sync", "--warehouse", wh, "--quiet", *extra, cwd=baseline.name)
                    )
    results = {}
    for stage, runs in figures.items():
        times, cpus = sorted(t for t, _, _ in runs), sorted(c for _, c, _ in runs)
        results[stage] = {
            "best_s": round(times[0], 2),
            "median_s": round(times[len(times) // 2], 2),
            "median_cpu_s": round(cpus[len(cpus) // 2], 2),
            "peak_rss_mib": round(max(p for *_, p in runs)),
        }
        print(
            f"{stage:26s} wall best {times[0]:6.2f} s  median {times[len(times) // 2]:6.2f} s   "
            f"CPU median {cpus[len(cpus) // 2]:6.2f} s   peak RSS {max(p for *_, p in runs):6.0f} MiB"
        )
    full, unchanged = results["full sync (new snapshot)"], results["unchanged sync"]
    print(
        f"unchanged / full (median wall): {unchanged['median_s'] / full['median_s']:.0%}   "
        f"(median CPU): {unchanged['median_cpu_s'] / full['median_cpu_s']:.0%}   "
        "targets: full <= 8 s wall and <= 1024 MiB, unchanged <= 2 s"
    )
    without = results["first sync, no release history"]
    print(
        f"the history step adds {full['median_s'] - without['median_s']:.1f} s wall (median) to a first sync "
        "(target: at most 10 s)"
    )
    print(f"warm-up sync (no history; compiles the similarity kernel if not cached): {warm[0]:.2f} s wall")
    if baseline:
        for label, new in (
            ("full sync", "full sync (new snapshot)"),
            ("first, no history", "first sync, no release history"),
        ):
            old = results[f"{args.baseline}: {label}"]
            print(
                f"{new} / {args.baseline}'s: {results[new]['median_s'] / old['median_s']:.2f}x wall, "
                f"{results[new]['median_cpu_s'] / old['median_cpu_s']:.2f}x CPU (medians)"
            )
    profile()
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(json.dumps(results))


def profile() -> None:
    """Where a full sync's seconds go: its stage lines (each asset and check, as the sync times them), the imports
    of a fresh interpreter (-X importtime), and the rest (interpreter start, Dagster's start and run bookkeeping)."""
    with tempfile.TemporaryDirectory() as wh:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", SYNC, "sync", "--warehouse", wh],
            capture_output=True, text=True, check=True, env={**os.environ, "PEAK_RSS_FILE": os.devnull},
        )  # fmt: skip
        total = time.perf_counter() - started
    imports = {}
    for line in done.stderr.splitlines():  # import time: self [us] | cumulative | module, nested ones indented
        parts = line.removeprefix("import time:").split("|")
        # only the imports no other import made (not indented), so that none is counted twice
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            imports[parts[2].strip()] = int(parts[1]) / 1e6
    stages = {m[1]: float(m[2]) for m in re.finditer(r"^  (\w+)\s+([\d.]+) s", done.stdout + done.stderr, re.M)}
    print(f"profile of one full sync: {total:.2f} s wall (-X importtime adds a little)")
    for name, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        if seconds >= 0.1:
            print(f"  {name:34s} {seconds:6.2f} s")
    print(f"  {'stages under 0.1 s each':34s} {sum(s for s in stages.values() if s < 0.1):6.2f} s")
    rest = total - sum(stages.values())
    print(f"  {'outside the stages (start, Dagster)':34s} {rest:6.2f} s")
    # a stage's imports count in the stage that makes them (validation imports Great Expectations, for one)
    print(f"  imports, wherever made: {sum(imports.values()):.2f} s; the largest:")
    for name, seconds in sorted(imports.items(), key=lambda item: -item[1])[:6]:
        print(f"    {name:32s} {seconds:6.2f} s")


def checkout(rev: str) -> tempfile.TemporaryDirectory:
    """``rev``'s tree (code and bundled data) in a temporary folder, from this repository's git."""
    folder = tempfile.TemporaryDirectory(prefix="llm-catalog-baseline-")
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(root), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", folder.name], input=archive, check=True)
    return folder


if __name__ == "__main__":
    main()
