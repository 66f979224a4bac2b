"""The run log: a sync records every event of its run through RunLogStorage (one connection per database for the
run), in Dagster's own files, so Dagster's own storage (what `make ui` opens) reads all of it; nothing stays open
after the sync."""

from __future__ import annotations

import json
import re

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType

from pipelines.cli import main
from pipelines.run_log import RunLogStorage

pytestmark = pytest.mark.slow  # a real sync of the small map


def test_a_sync_run_is_read_whole_by_dagsters_own_storage(tmp_path, small_map, capsys):
    root = tmp_path / "wh"
    (tmp_path / "map.json").write_text(json.dumps(small_map))
    args = ["sync", "--warehouse", str(root), "--litellm", str(tmp_path / "map.json"), "--pricing-sources", "litellm"]
    assert main(args) == 0
    run_id = re.search(r"\(run ([0-9a-f-]+)\)", capsys.readouterr().out).group(1)

    plain = dg.DagsterInstance.local_temp(tempdir=str(root / "_dagster"))  # Dagster's defaults, no run log class
    assert type(plain.event_log_storage).__name__ == "SqliteEventLogStorage"
    assert plain.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
    logs = plain.all_logs(run_id)
    kinds = {e.dagster_event.event_type for e in logs if e.dagster_event}
    assert {DagsterEventType.RUN_SUCCESS, DagsterEventType.ASSET_MATERIALIZATION} <= kinds
    assert {DagsterEventType.ASSET_CHECK_EVALUATION, DagsterEventType.STEP_SUCCESS} <= kinds
    published = plain.get_latest_materialization_event(dg.AssetKey("catalog_snapshot"))
    assert published is not None and published.run_id == run_id  # the cross-run index has it too
    assert len(logs) > 200
    # the sync closed its connections: SQLite checkpointed and removed the write-ahead logs
    assert not list((root / "_dagster").rglob("*.db-wal"))


def test_run_log_storage_keeps_one_engine_per_database_until_disposed(tmp_path):
    storage = RunLogStorage(str(tmp_path / "runs"))
    for _ in range(3):
        with storage.run_connection("some-run") as conn:
            conn.exec_driver_sql("SELECT 1")
        with storage.index_connection() as conn:
            conn.exec_driver_sql("SELECT 1")
    assert set(storage._engines) == {"some-run", "index"}  # noqa: SLF001 - what the class is for
    storage.dispose()
    assert storage._engines == {}  # noqa: SLF001
