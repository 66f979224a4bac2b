"""How long readers take against a warehouse in an S3 bucket, beside the same warehouse in a local folder. Prints its
figures; run with the venv's python.

    .venv/bin/python speed-scripts/object_storage.py [--warehouse data/warehouse] [--runs 5]

Starts an S3-compatible server on 127.0.0.1 (moto's server mode, as the tests do: tests/s3server.py), copies the
warehouse's published files into a bucket, and times each reader both ways, --runs times in a fresh process each
(the median and the best are printed):

- `llm-catalog show ROUTE` (the model page of one route, as a person runs it);
- a dashboard query through `llm-catalog query`: the ten cheapest routes with vision and at least 128k tokens of
  context, from route_cells (what a cost dashboard asks);
- the same dashboard query in-process through `readers.snapshot.connect`, once the process is warm (what a
  long-running dashboard pays per refresh, without the interpreter's start);
- `llm-catalog verify` (every file's size and sha256 read back);
- the sync's lock: taken and released (the lease created, the store's conditional writes probed, the lease
  deleted), and taken after a holder on this machine was killed with SIGKILL (its 60 s lease is not waited out).

Also the copy's size and the time the upload took. moto is a single Python process: a real S3 endpoint answers each
request faster, but over a network, so the bucket's figures are of the request count more than of S3 itself. The
machine's load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests"))  # one S3 server for the tests and this script: tests/s3server.py

import pyarrow.fs as pafs  # noqa: E402
import s3server  # noqa: E402

from llm_catalog.paths import warehouse_location  # noqa: E402
from llm_catalog.readers import snapshot  # noqa: E402
from llm_catalog.warehouse.store import Warehouse  # noqa: E402

ROUTE = "deepinfra/openai/gpt-oss-20b"
DASHBOARD = (
    "SELECT route_id, input_price, output_price FROM route_cells "
    "WHERE list_contains(input_modalities, 'image') AND context_window >= 128000 AND input_price IS NOT NULL "
    "ORDER BY input_price, route_id LIMIT 10"
)
CLI = [str(REPO_ROOT / ".venv" / "bin" / "llm-catalog")]


def timed(command: list[str], env: dict, runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{done.stderr.strip()}")
    return seconds


def warm_queries(warehouse: Warehouse, runs: int) -> list[float]:
    seconds = []
    for _ in range(runs + 1):  # the first warms the imports up; not counted
        started = time.perf_counter()
        con, _ = snapshot.connect(warehouse)
        con.execute(DASHBOARD).fetchall()
        con.close()
        seconds.append(time.perf_counter() - started)
    return seconds[1:]


def lock_figures(location: str, endpoint: str, runs: int) -> str:
    store = Warehouse(location, s3_endpoint=endpoint)
    taken = []
    for _ in range(runs):
        started = time.perf_counter()
        with store.lock():
            pass
        taken.append(time.perf_counter() - started)
    holder = s3server.lock_holder(location, endpoint)
    holder.kill()
    holder.wait()
    started = time.perf_counter()
    with Warehouse(location, s3_endpoint=endpoint, lock_timeout=120).lock():
        after_kill = time.perf_counter() - started
    return (
        f"{'lock taken and released':<32} bucket {median(taken):6.2f} s (best {min(taken):.2f}); "
        f"after its holder's kill -9: taken in {after_kill:.2f} s (the lease's term: 60 s)"
    )


def line(name: str, local: list[float], bucket: list[float]) -> str:
    ratio = median(bucket) / median(local)
    return (
        f"{name:<32} local {median(local):6.2f} s (best {min(local):.2f})   bucket {median(bucket):6.2f} s "
        f"(best {min(bucket):.2f})   x{ratio:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", help="a synced folder warehouse (default: data/warehouse)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    local = Path(warehouse_location(args.warehouse))
    if not Warehouse(local).exists() or Warehouse(local).current_id() is None:
        sys.exit(f"no synced warehouse at {local}: run `make sync` first")
    server = s3server.start()
    try:
        bucket = server.bucket()
        started = time.perf_counter()
        location = server.upload_warehouse(local, bucket)
        upload = time.perf_counter() - started
        listed = server.filesystem().get_file_info(pafs.FileSelector(bucket, recursive=True))
        size = sum(i.size for i in listed if i.type == pafs.FileType.File)
        env = {**os.environ, **server.env(Path("/tmp/llm-catalog-speed-work"))}
        os.environ.update(env)
        print(f"load average {os.getloadavg()[0]:.2f}; bucket copy {size / 2**20:.0f} MiB in {upload:.1f} s")
        remote = ["--warehouse", location, "--s3-endpoint", server.endpoint]
        here = ["--warehouse", str(local)]
        for name, command in (
            ("show ROUTE", ["show", ROUTE]),
            ("query (dashboard)", ["query", DASHBOARD]),
            ("verify", ["verify"]),
        ):
            print(
                line(
                    name,
                    timed([*CLI, *command, *here], env, args.runs),
                    timed([*CLI, *command, *remote], env, args.runs),
                )
            )
        warm_local = warm_queries(Warehouse(local), args.runs)
        warm_bucket = warm_queries(Warehouse(location, s3_endpoint=server.endpoint), args.runs)
        print(line("dashboard query, warm process", warm_local, warm_bucket))
        print(lock_figures(location, server.endpoint, args.runs))
        print(f"load average {os.getloadavg()[0]:.2f}")
    finally:
        server.process.kill()


if __name__ == "__main__":
    main()
