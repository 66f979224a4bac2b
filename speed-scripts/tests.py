"""How long the test suite takes: the fast subset (`pytest -m "not slow"`) and the whole suite (`make test`'s
pytest), each a cold run in a fresh process with its own base folder, on this checkout. Prints wall and CPU seconds,
the outcome line and the machine's load; run with the venv's python from the repository's root:

    .venv/bin/python speed-scripts/tests.py [--only fast|full] [--repeat 1]

Targets (issue 23): the whole suite at most 12 minutes, the fast subset at most 3, on a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = {"fast": ["-m", "not slow"], "full": []}
TARGET_MINUTES = {"fast": 3, "full": 12}


def run(extra: list[str]) -> tuple[float, float, str]:
    """(wall s, CPU s of pytest and its workers, pytest's last line) of one run."""
    with tempfile.TemporaryDirectory(prefix="llm-catalog-speed-tests-") as base:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={base}/t", *extra],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    lines = done.stdout.strip().splitlines() or ["(no output)"]
    return wall, cpu, lines[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=sorted(RUNS))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    for name, extra in RUNS.items():
        if args.only and name != args.only:
            continue
        for _ in range(args.repeat):
            load = os.getloadavg()[0]
            wall, cpu, outcome = run(extra)
            print(
                f"{name:5s} {wall / 60:5.1f} min wall, {cpu / 60:5.1f} min CPU (target <= {TARGET_MINUTES[name]} min "
                f"wall); load {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; {outcome}",
                flush=True,
            )


if __name__ == "__main__":
    main()
