"""Issue 12, defect 6: readers of the raw Parquet glob. The design: the glob may hold partitions that are not
published (a publish killed after moving its tables, until the next sync removes them), so the README's raw
queries pick their snapshot through CURRENT. Tested with a real sync killed between moving its tables and writing
its manifest, and the next sync paused half-way through removing what that one left."""

import json
import signal
import subprocess
import sys

import duckdb
import pytest
from conftest import copy_warehouse
from test_faults import partitions, sync_process, wait_for
from test_readme import readme_queries

from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # fault injection: a sync killed in a subprocess while readers query

GOOD = "deepinfra/openai/gpt-oss-20b"


def readme_answers(root) -> list[list[tuple]]:
    """The README's raw DuckDB queries, as written, against ``root``."""
    return [duckdb.connect().sql(sql.replace("data/warehouse", str(root))).fetchall() for sql in readme_queries()]


def glob_count(root, table: str, snapshot_id: str) -> int:
    return duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{root}/{table}/*/*.parquet', hive_partitioning = true) "
        f"WHERE snapshot = '{snapshot_id}'"
    ).fetchall()[0][0]


def test_readme_queries_never_see_an_unpublished_or_half_removed_snapshot(tmp_path, small_map, small_synced, capsys):
    root = copy_warehouse(small_synced, tmp_path / "wh")  # one snapshot, synced from the small map
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps({**small_map, GOOD: {**small_map[GOOD], "input_cost_per_token": 2.5e-08}}))
    published = Warehouse(root).current_id()
    assert Warehouse(root).snapshot_ids() == [published]
    expected = readme_answers(root)
    prices = sorted((r[0], r[4]) for r in expected[2])
    assert ("input", 0.03) in prices

    # a sync killed after moving its tables into the glob, before its manifest and CURRENT
    killed = sync_process(root, changed, pause_at=("tables_moved", tmp_path / "_paused_at_tables_moved"))
    wait_for(tmp_path / "_paused_at_tables_moved", killed)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    orphan = max(p.name.removeprefix("snapshot=") for p in (root / "routes").glob("snapshot=*"))
    assert orphan > published and orphan not in Warehouse(root).snapshot_ids()
    newest = duckdb.sql(
        f"SELECT max(snapshot) FROM read_parquet('{root}/routes/*/*.parquet', hive_partitioning = true)"
    ).fetchall()[0][0]
    assert newest == orphan  # what the README's old `max(snapshot)` picked: a snapshot never published
    assert readme_answers(root) == expected  # through CURRENT: the published one, whole

    # the next sync removes the orphan partition by partition; paused half-way, a glob reader that picked the
    # orphan would see routes gone and prices still there; the README's queries still see the published snapshot
    cleaning = sync_process(root, changed, pause_at=("removing_leftovers", tmp_path / "_paused_at_removing_leftovers"))
    wait_for(tmp_path / "_paused_at_removing_leftovers", cleaning)
    half = {table: orphan in ids for table, ids in partitions(root).items()}
    assert not all(half.values()) and any(half.values())  # some of its tables are gone, some not yet
    assert glob_count(root, "routes", orphan) == 0 and glob_count(root, "prices", orphan) > 0
    assert readme_answers(root) == expected
    capsys.readouterr()
    assert main(["query", "--warehouse", str(root), "--format", "json", "SELECT count(*) AS n FROM snapshots"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 1}]  # the snapshots view lists published snapshots only
    cleaning.send_signal(signal.SIGKILL)
    cleaning.wait(timeout=30)

    # and the sync after that publishes; the README's queries follow CURRENT to it
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "sync", "--warehouse", str(root), "--litellm", str(changed), "--quiet"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    current = Warehouse(root).current_id()
    assert current != published and Warehouse(root).verify(current) == []
    assert all(ids == Warehouse(root).snapshot_ids() for ids in partitions(root).values())
    assert ("input", 0.025) in {(r[0], r[4]) for r in readme_answers(root)[2]}
