"""The route pages rendered by a pool of processes are the pages one process renders, byte for byte, and a failure in
a worker process reaches the build as the error it was."""

from __future__ import annotations

import subprocess
import sys

import pytest

from llm_catalog.readers import page, snapshot
from llm_catalog.site import route_pages
from llm_catalog.warehouse.store import Warehouse


def current_routes(root) -> tuple[Warehouse, str, list[str], dict]:
    """The warehouse at ``root``, its current snapshot, that snapshot's route ids and what every page shows of it."""
    warehouse = Warehouse(root)
    con, snapshot_id = snapshot.connect(warehouse)
    route_ids = [r for (r,) in con.execute("SELECT route_id FROM routes ORDER BY route_id").fetchall()]
    common = {"snapshot": page.snapshot_sources(con, snapshot_id)}
    con.close()
    return warehouse, snapshot_id, route_ids, common


def test_pages_from_a_pool_of_processes_are_the_pages_of_one_process(synced_warehouse, tmp_path):
    warehouse, snapshot_id, route_ids, common = current_routes(synced_warehouse)
    chosen = route_ids[:: max(1, len(route_ids) // 700)]  # ~700 routes of every kind: two tasks
    assert len(chosen) > route_pages.ROUTES_PER_TASK
    built = {}
    for processes in (1, 2):
        out = tmp_path / f"by-{processes}"
        (out / "routes").mkdir(parents=True)
        with route_pages.RoutePages(warehouse, snapshot_id, chosen, out, common, processes) as pending:
            assert pending.count() == len(chosen)
        built[processes] = {p.name: p.read_bytes() for p in (out / "routes").iterdir()}
    assert built[1] == built[2] and len(built[1]) == len(chosen)
    # the similar-models cells a process renders once are those of a page that lists the route
    listed = [text for text in built[1].values() if b'class="compare-link"' in text]
    assert len(listed) > len(chosen) // 2


def test_a_failure_in_a_worker_process_reaches_the_build(synced_warehouse, tmp_path):
    warehouse, snapshot_id, route_ids, common = current_routes(synced_warehouse)
    out = tmp_path / "site"  # no routes/ folder in it: the first page a worker writes fails
    out.mkdir()
    with (
        pytest.raises(FileNotFoundError, match="routes"),
        route_pages.RoutePages(warehouse, snapshot_id, route_ids[:1200], out, common, 2) as pending,
    ):
        pending.count()


def test_site_processes_takes_a_count_from_one_up(tmp_path):
    for given in ("0", "-2", "two", "1.5"):
        done = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "site", "--warehouse", str(tmp_path), "--processes", given],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, (given, done.stderr)
        assert done.stderr.splitlines()[-1].endswith(f"{given!r} is not a number of processes (1 or more)")
