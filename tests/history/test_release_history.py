"""History out of the box: the bundled earlier releases of the LiteLLM map (one per month) are published before the
current snapshot of a fresh warehouse, so its history tables hold a year of real changes; and the rules that decide
which releases a sync publishes, their dates and their snapshots' ids."""

import contextlib
import gzip
import hashlib
import io
import json
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.history import releases
from llm_catalog.paths import BUNDLED_LITELLM_RELEASES, BUNDLED_LITELLM_SOURCE
from llm_catalog.readers.snapshot import connect
from llm_catalog.reconciliation.reconcile import one_source
from llm_catalog.registry import BY_NAME
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

ROUTE = "deepinfra/openai/gpt-oss-20b"
PAUSED_CLI = Path(__file__).parents[1] / "warehouse" / "paused_cli.py"


def bundled_releases() -> list[dict]:
    return BY_NAME["litellm"].bundled.earlier_releases()


def release(day: str, sha: str = "a" * 64) -> dict:
    return {"version": day, "released": f"{day}T10:00:00Z", "sha256": sha}


def test_a_sync_is_dated_by_its_map_when_the_map_says_and_never_before_the_history():
    released = "2026-11-20T04:05:22Z"
    assert releases.sync_as_of("", released, None) == date(2026, 11, 20)
    assert releases.sync_as_of("", released, date(2026, 10, 1)) == date(2026, 11, 20)
    # a warehouse already dated later: the new snapshot cannot go before it
    assert releases.sync_as_of("", released, date(2026, 12, 1)) == date(2026, 12, 1)
    assert releases.sync_as_of("2026-05-01", released, None) == date(2026, 5, 1)  # asked for wins
    assert releases.sync_as_of("", None, None, today=date(2026, 12, 2)) == date(2026, 12, 2)  # a URL: today


def test_pending_releases_are_those_the_history_lacks_before_the_sync_and_not_the_synced_map():
    train = [release("2026-01-31"), release("2026-02-28"), release("2026-03-31", "c" * 64), release("2026-04-30")]
    assert releases.pending(train, after=None, before=date(2026, 4, 30), current_sha256="x" * 64) == train[:3]
    assert releases.pending(train, after=date(2026, 2, 28), before=date(2026, 12, 1), current_sha256="c" * 64) == [
        train[3]
    ]
    assert releases.pending(train, after=date(2026, 4, 30), before=date(2026, 12, 1), current_sha256="x") == []


def test_the_bundled_release_train_is_a_year_of_monthly_maps_each_matching_its_sha256():
    listed = json.loads((BUNDLED_LITELLM_RELEASES / "SOURCE.json").read_text())
    assert listed["package"] == "litellm" and listed["licence"] == "MIT" and listed["every"] == "month"
    train = bundled_releases()
    months = [r["released"][:7] for r in train]
    assert len(months) >= 12 and len(set(months)) == len(months)  # one per month
    current = json.loads(BUNDLED_LITELLM_SOURCE.read_text())
    assert all(r["released"] < current["released"] for r in train)  # all before the bundled current map
    versions = [tuple(map(int, r["version"].split("."))) for r in train]
    assert versions == sorted(versions)
    for r in train:
        data = gzip.decompress((BUNDLED_LITELLM_RELEASES / r["copy"]).read_bytes())
        assert hashlib.sha256(data).hexdigest() == r["sha256"] and len(data) == r["size_bytes"], r["version"]
        assert r["wheel_url"].endswith(".whl") and len(r["wheel_sha256"]) == 64


def test_earlier_snapshots_are_planned_a_second_apart_before_the_sync_and_chained(tmp_path):
    store = Warehouse(tmp_path / "wh")
    sources = [{"source": "litellm", "sha256": "1" * 64}]
    earlier = [([{"source": "litellm", "sha256": c * 64}], date(2026, m, 28)) for c, m in (("2", 1), ("3", 2))]
    plan = store.plan(sources=sources, code="code", as_of=date(2026, 3, 20), earlier=earlier)
    chain = [*plan.earlier, plan]
    assert [p.snapshot_id for p in chain] == sorted(p.snapshot_id for p in chain)
    assert [p.previous_snapshot_id for p in chain] == [None, chain[0].snapshot_id, chain[1].snapshot_id]
    assert [p.as_of for p in chain] == [date(2026, 1, 28), date(2026, 2, 28), date(2026, 3, 20)]
    assert plan.base_snapshot_id is None
    assert type(plan).from_dict(plan.to_dict()) == plan  # the plan goes through the IO manager as JSON


def test_an_earlier_release_snapshot_publishes_without_derived_tables_and_verifies(tmp_path, small_map):
    store = Warehouse(tmp_path / "wh")
    payload = {"source": "litellm", "sha256": "2" * 64}
    plan = store.plan(sources=[payload], code="code", as_of=date(2026, 1, 1))
    path = tmp_path / "map.json"
    path.write_text(json.dumps(small_map))
    stored = one_source("litellm", releases.release_tables(_payload(path, tmp_path)).tables)
    tables = releases.carry(None, None, plan.snapshot_id, plan.as_of, stored)
    assert set(tables) == schemas.EARLIER_SNAPSHOT - {"snapshots"}
    with pytest.raises(PublishError, match="tables missing"):  # a full snapshot needs them all
        store.publish(tables, plan, sources=[payload])
    store.publish(tables, plan, sources=[payload], stats={"earlier_release": True}, required=schemas.EARLIER_SNAPSHOT)
    assert store.verify(plan.snapshot_id) == []
    con, _ = connect(store)
    assert con.execute("SELECT count(*) FROM routes").fetchone()[0] == len(small_map)
    assert con.execute("SELECT count(*) FROM price_history").fetchone()[0] > 0


def _payload(path, tmp_path) -> dict:
    from llm_catalog.sources.fetch import store_raw

    return store_raw(path.read_bytes(), raw_dir=tmp_path / "raw", source="litellm", origin=str(path)).to_dict()


def run(*argv) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_a_fresh_sync_of_the_bundled_map_publishes_a_year_of_history_behind_it(synced_warehouse):
    store = Warehouse(synced_warehouse)
    train = bundled_releases()
    published = store.snapshot_ids()
    assert len(published) == len(train) + 1 and published[-1] == store.current_id()
    as_of = [store.as_of(i) for i in published]
    assert as_of == sorted(as_of)
    assert as_of[:-1] == [releases.release_day(r["released"]) for r in train]
    assert as_of[-1] == releases.release_day(json.loads(BUNDLED_LITELLM_SOURCE.read_text())["released"])
    for snapshot_id, r in zip(published, train, strict=False):
        manifest = store.manifest(snapshot_id)
        assert manifest["stats"]["earlier_release"] and manifest["sources"][0]["version"] == r["version"]
        assert set(manifest["tables"]) == schemas.EARLIER_SNAPSHOT and store.verify(snapshot_id) == []

    con, _ = connect(store)
    months = "SELECT count(DISTINCT date_trunc('month', as_of)) FROM changes WHERE change = 'price'"
    assert con.execute(months).fetchone()[0] >= 9
    first = con.execute("SELECT min(valid_from) FROM price_history").fetchone()[0]
    assert first == as_of[0]  # the prices' history starts at the first bundled month


@pytest.mark.parametrize("index", [0, 5, -1])
def test_show_as_of_a_bundled_month_reads_that_releases_snapshot(synced_warehouse, index):
    r = bundled_releases()[index]
    code, out = run("show", ROUTE, "--warehouse", str(synced_warehouse), "--as-of", r["released"][:10])
    assert code == 0
    assert f"({r['version']})" in out and f"As of          {r['released'][:10]}" in out


def test_the_site_of_an_earlier_release_is_refused_with_the_reason(synced_warehouse, tmp_path, capsys):
    day = bundled_releases()[0]["released"][:10]
    assert main(["site", "--warehouse", str(synced_warehouse), "--as-of", day, "--out", str(tmp_path / "s")]) == 1
    assert "earlier release" in capsys.readouterr().err


@pytest.mark.slow
def test_a_sync_killed_between_earlier_releases_leaves_one_current_and_the_next_sync_completes(tmp_path):
    root = tmp_path / "wh"
    marker = tmp_path / "paused"
    paused = [sys.executable, str(PAUSED_CLI), "pointer_moved", str(marker)]
    process = subprocess.Popen([*paused, "sync", "--warehouse", str(root), "--quiet"], stderr=subprocess.PIPE)
    try:
        for _ in range(1200):
            if marker.exists() or process.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), process.communicate()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    store = Warehouse(root)
    first = store.current_id()
    assert store.manifest(first)["stats"]["earlier_release"] and store.verify(first) == []

    assert main(["sync", "--warehouse", str(root), "--quiet"]) == 0
    published = store.snapshot_ids()
    assert published[0] == first and len(published) == len(bundled_releases()) + 1
    con, _ = connect(store)
    # the history runs unbroken from the snapshot the killed sync left
    assert con.execute("SELECT min(valid_from) FROM price_history").fetchone()[0] == store.as_of(first)
    assert con.execute("SELECT count(DISTINCT as_of) FROM changes").fetchone()[0] == len(published) - 1
