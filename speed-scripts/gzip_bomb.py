"""Peak memory of a sync fed a gzip bomb: a ~1 MB .json.gz that expands to 1 GiB. Prints its figures; run with the
venv's python.

    .venv/bin/python speed-scripts/gzip_bomb.py [--expand-mib 1024]

Two cold processes, each reporting its own peak RSS: `llm-catalog sync --litellm bomb.json.gz` with the default
payload limit (64 MB, counted after decompression), and the loader alone (llm_catalog.sources.read_location).
Target (issue 12): under 300 MB peak with the default limit, the sync refused naming the source, nothing published.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# each child writes its own peak RSS (KiB on Linux) to $PEAK_RSS_FILE when it exits
REPORT = (
    "import atexit, os, resource; atexit.register(lambda: open(os.environ['PEAK_RSS_FILE'], 'w')"
    ".write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)));"
)
SYNC = REPORT + "import sys; from pipelines.cli import main; sys.exit(main(sys.argv[1:]))"
LOAD = REPORT + (
    "import sys; from llm_catalog.errors import SourceError\n"
    "from llm_catalog.sources.fetch import read_location\n"
    "try:\n    read_location(sys.argv[1], source='litellm')\n"
    "except SourceError as exc:\n    print(exc, file=sys.stderr); sys.exit(1)"
)


def write_bomb(path: Path, expand_bytes: int) -> None:
    """A JSON object whose one string value is ``expand_bytes`` of zeros, gzip-compressed as it is written (the
    whole expansion never sits in memory here either)."""
    block = b"0" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b'{"bomb": {"litellm_provider": "openai", "mode": "chat", "comment": "')
        for _ in range(expand_bytes // len(block)):
            out.write(block)
        out.write(b'"}}')


def measure(code: str, *args: str) -> tuple[int, str, float, float]:
    """(exit code, last line of stderr, wall seconds, peak RSS MiB) of one cold process."""
    with tempfile.NamedTemporaryFile(suffix=".rss") as peak:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            env={**os.environ, "PEAK_RSS_FILE": peak.name, "LLM_CATALOG_AIDER": "off"},
        )
        elapsed = time.perf_counter() - started
        lines = done.stderr.strip().splitlines()
        return done.returncode, (lines[0] if lines else ""), elapsed, int(Path(peak.name).read_text() or 0) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expand-mib", type=int, default=1024, help="what the bomb expands to (default 1024 MiB)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gzip-bomb-") as tmp:
        bomb = Path(tmp) / "bomb.json.gz"
        write_bomb(bomb, args.expand_mib << 20)
        print(f"bomb: {bomb.stat().st_size / 1e6:.2f} MB compressed, {args.expand_mib} MiB expanded")
        warehouse = Path(tmp) / "wh"
        rows = [
            (
                "llm-catalog sync (default limit)",
                measure(SYNC, "sync", "--quiet", "--warehouse", str(warehouse), "--litellm", str(bomb)),
            ),
            ("read_location alone", measure(LOAD, str(bomb))),
        ]
        worst = 0.0
        for name, (code, message, seconds, peak) in rows:
            worst = max(worst, peak)
            print(f"{name:<34} exit {code}  {seconds:5.1f} s  peak RSS {peak:6.0f} MiB  {message[:150]}")
        published = (warehouse / "CURRENT").exists()
        print(
            f"published: {'yes' if published else 'no'}; target: peak under 300 MB -> "
            f"{'met' if worst * 1.048576 < 300 and not published else 'MISSED'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
