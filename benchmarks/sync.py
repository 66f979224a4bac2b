"""How long a sync of the bundled map takes, and its peak memory. Prints its figures; run with the venv's python.

    .venv/bin/python benchmarks/sync.py [--repeat 3]

Each measurement runs in a fresh subprocess so that peak RSS is that of one sync alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time

STAGES = {
    "parse+normalize": (
        "import gzip; from llm_catalog.paths import BUNDLED_LITELLM_MAP as p;"
        "from llm_catalog.litellm_map import parse_payload, normalize;"
        "e, d = parse_payload(gzip.decompress(p.read_bytes())); normalize(e, duplicates=d)"
    ),
    "full sync (new snapshot)": "from pipelines.cli import main; main(['sync', '--warehouse', {wh!r}])",
    "full sync (unchanged)": "from pipelines.cli import main; main(['sync', '--warehouse', {wh!r}])",
}


def measure(code: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for stage, template in STAGES.items():
        times, peaks = [], []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as wh:
                if stage == "full sync (unchanged)":
                    measure(STAGES["full sync (new snapshot)"].format(wh=wh))
                elapsed, peak = measure(template.format(wh=wh))
            times.append(elapsed)
            peaks.append(peak)
        results[stage] = {"best_s": round(min(times), 2), "median_s": round(sorted(times)[len(times) // 2], 2),
                          "peak_rss_mib": round(max(peaks))}
        print(f"{stage:28s} best {min(times):6.2f} s   median {sorted(times)[len(times) // 2]:6.2f} s   "
              f"peak RSS (max over children so far) {max(peaks):7.0f} MiB")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
