"""How long the static site takes to build, how big it is, and how soon its index is usable in a real browser.
Prints its figures; run with the venv's python.

    .venv/bin/python speed-scripts/site.py [--warehouse data/warehouse] [--out DIR] [--runs 5] [--builds 3]
        [--processes N]
    .venv/bin/python speed-scripts/site.py --built DIR [--runs 5]

Builds the site from the warehouse's current snapshot with `llm-catalog site --warehouse W --out DIR` in a fresh
process (the venv's own command; into a temporary folder, removed afterwards, unless --out keeps it), and takes its
wall time, CPU time (user + system, its rendering processes' too) and peak RSS (of its largest process): the
command is this script's first child, so the children's rusage is its own; --builds N times N cold builds and
prints the medians, --processes N passes the command's own option. With --built, measures a site already built
there instead.

Then the output: its files and route pages (routes/*.html), the bytes in them, the disk they take (as `du -sk`
counts), and index.html's size, plain and gzipped.

Then serves the folder on 127.0.0.1 and loads index.html --runs times in headless Chromium (tests/browser.py's
server and launcher, nothing cached between loads), each a fresh navigation: `window.siteReady` is what the page sets
when its filtering is wired up (ms since navigation start; waited for up to 30 s), beside the DOMContentLoaded and
load event ends of performance.timing. Prints the median and max of each, and the console errors seen.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from statistics import median

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests"))  # one harness for the tests and this script: tests/browser.py

from browser import chromium, console_errors, serve_directory, wait_for_js  # noqa: E402

MIB = 1024 * 1024
TIMINGS = """const t = performance.timing;
return t.loadEventEnd > 0 ? {dom_content_loaded: t.domContentLoadedEventEnd - t.navigationStart,
                             load: t.loadEventEnd - t.navigationStart} : null;"""


def build(command: list[str], out: Path) -> dict:
    """Run the site command once; its wall and CPU seconds and peak RSS (MiB). Exits with its stderr if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*command, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.strip()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {"wall_s": round(elapsed, 2), "cpu_s": round(cpu, 2), "peak_rss_mib": round(after.ru_maxrss / 1024)}


def output_size(site: Path) -> dict:
    """Files, route pages, bytes in the files, and disk usage in KiB as `du -sk` counts it (every file and folder's
    allocated blocks, a hard-linked file once)."""
    files, size, blocks, seen = 0, 0, 0, set()
    for folder, _, names in os.walk(site):
        for path in [folder, *(os.path.join(folder, n) for n in names)]:
            st = os.lstat(path)
            if path != folder:
                files += 1
                size += st.st_size
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                blocks += st.st_blocks
    index = (site / "index.html").read_bytes()
    return {
        "files": files,
        "route_pages": len(list((site / "routes").glob("*.html"))),
        "bytes": size,
        "disk_kib": blocks * 512 // 1024,
        "index_bytes": len(index),
        "index_gzip_bytes": len(gzip.compress(index)),
    }


def page_loads(site: Path, runs: int) -> dict:
    """``runs`` fresh loads of index.html: siteReady, DOMContentLoaded and load (ms), and the console errors."""
    figures: dict[str, list[float]] = {"site_ready": [], "dom_content_loaded": [], "load": []}
    errors: list[str] = []
    with ExitStack() as stack:
        base = stack.enter_context(serve_directory(site))
        driver = stack.enter_context(chromium())
        for run in range(runs):
            driver.get("about:blank")
            driver.get(base + "index.html")
            try:
                ready = wait_for_js(driver, "return typeof window.siteReady === 'number' ? window.siteReady : null")
            except Exception as error:  # selenium's TimeoutException, or the page gone
                sys.exit(
                    f"load {run + 1}: window.siteReady was not set within 30 s ({type(error).__name__}); "
                    f"console errors: {console_errors(driver)}"
                )
            timing = wait_for_js(driver, TIMINGS)
            figures["site_ready"].append(float(ready))
            for event in ("dom_content_loaded", "load"):
                figures[event].append(float(timing[event]))
            errors += console_errors(driver)
    result = {
        name: {"median_ms": round(median(values), 1), "max_ms": round(max(values), 1)}
        for name, values in figures.items()
    }
    result["console_errors"] = errors
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", default=str(REPO_ROOT / "data" / "warehouse"))
    parser.add_argument("--out", help="build the site here and keep it (default: a temporary folder)")
    parser.add_argument("--built", help="measure the site already built in this folder instead of building one")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--builds", type=int, default=1, help="cold builds timed (the median is printed)")
    parser.add_argument("--processes", type=int, help="the site command's --processes (default: its own)")
    args = parser.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="llm-catalog-site-") as tmp:
        if args.built:
            site = Path(args.built).resolve()
        else:
            command = Path(sys.executable).parent / "llm-catalog"
            if not command.exists():
                sys.exit(f"{command} is missing: run this with the venv's python after `make setup`")
            site = Path(args.out).resolve() if args.out else Path(tmp) / "site"
            command = [str(command), "site", "--warehouse", args.warehouse]
            if args.processes:
                command += ["--processes", str(args.processes)]
            runs = [build(command, site) for _ in range(args.builds)]
            b = results["build"] = {
                "builds": runs,
                **{key: median(r[key] for r in runs) for key in ("wall_s", "cpu_s")},
                "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
                "processes": args.processes or "one per core",
            }
            print(
                f"site build            wall {b['wall_s']:7.2f} s   CPU {b['cpu_s']:7.2f} s   "
                f"peak RSS {b['peak_rss_mib']:5d} MiB (largest process)   median of {len(runs)} cold builds, "
                f"processes: {b['processes']}"
            )
        if not (site / "index.html").is_file():
            sys.exit(f"{site / 'index.html'} is missing")
        size = results["output"] = output_size(site)
        print(
            f"output                {size['files']:,} files ({size['route_pages']:,} route pages)   "
            f"{size['bytes'] / MIB:.1f} MiB in files   {size['disk_kib'] / 1024:.1f} MiB on disk   "
            f"index.html {size['index_bytes'] / MIB:.2f} MiB (gzip {size['index_gzip_bytes'] / MIB:.2f} MiB)"
        )
        loads = results["index_in_chromium"] = page_loads(site, args.runs)
        print(f"index.html in headless Chromium, {args.runs} fresh loads (ms since navigation start):")
        for name, label in (
            ("site_ready", "window.siteReady"),
            ("dom_content_loaded", "DOMContentLoaded end"),
            ("load", "load event end"),
        ):
            print(f"  {label:20s}  median {loads[name]['median_ms']:8.1f}   max {loads[name]['max_ms']:8.1f}")
        print(
            f"  console errors: {len(loads['console_errors'])}"
            + "".join(f"\n    {message}" for message in loads["console_errors"][:5])
        )
    if args.out and not args.built:
        print(f"site kept in {site}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
