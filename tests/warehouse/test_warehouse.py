"""Publishing mechanics on small tables: pointer, manifest, leftovers of a dead publish."""

import json

import pyarrow as pa
import pytest

from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.warehouse.store import Warehouse, fingerprint

SOURCE = {"source": "litellm", "origin": "test", "sha256": "a" * 64, "size_bytes": 10, "version": None}


def tables(routes=("deepinfra/m",)):
    out = {name: schema.empty_table() for name, schema in schemas.TABLES.items()}
    out["routes"] = pa.Table.from_pylist(
        [{"route_id": r, "provider": "deepinfra", "model": r, "base_model": r, "resolved_by": "rules",
          "modalities_stated": False} for r in routes], schema=schemas.ROUTES)
    return out


def test_publish_moves_the_pointer_last_and_is_idempotent(tmp_path):
    warehouse = Warehouse(tmp_path)
    first = warehouse.publish(tables(), sources=[SOURCE], code="c1")
    assert first.published and warehouse.current_id() == first.snapshot_id
    again = warehouse.publish(tables(), sources=[SOURCE], code="c1")
    assert not again.published and again.snapshot_id == first.snapshot_id
    newer_code = warehouse.publish(tables(), sources=[SOURCE], code="c2")
    assert newer_code.published and warehouse.snapshot_ids() == sorted([first.snapshot_id, newer_code.snapshot_id])
    assert warehouse.manifest(newer_code.snapshot_id)["previous_snapshot_id"] == first.snapshot_id


def test_fingerprint_depends_on_sources_and_code_only():
    assert fingerprint([SOURCE], "c1") == fingerprint([{**SOURCE, "origin": "elsewhere"}], "c1")
    assert fingerprint([SOURCE], "c1") != fingerprint([{**SOURCE, "sha256": "b" * 64}], "c1")
    assert fingerprint([SOURCE], "c1") != fingerprint([SOURCE], "c2")


def test_a_table_off_its_schema_is_refused_and_nothing_moves(tmp_path):
    warehouse = Warehouse(tmp_path)
    bad = tables()
    bad["limits"] = pa.table({"route_id": ["x"]})
    with pytest.raises(PublishError, match="limits"):
        warehouse.publish(bad, sources=[SOURCE], code="c1")
    assert warehouse.current_id() is None and warehouse.snapshot_ids() == []


def test_missing_tables_are_refused(tmp_path):
    partial = tables()
    del partial["prices"]
    with pytest.raises(PublishError, match="prices"):
        Warehouse(tmp_path).publish(partial, sources=[SOURCE], code="c1")


def test_leftovers_of_a_dead_publish_are_cleaned_before_the_next(tmp_path):
    warehouse = Warehouse(tmp_path)
    good = warehouse.publish(tables(), sources=[SOURCE], code="c1")
    # what a publish killed after moving one table folder, before its manifest, leaves behind
    orphan = tmp_path / "routes" / "snapshot=20990101T000000Z-deadbeef"
    orphan.mkdir(parents=True)
    (orphan / "part-0.parquet").write_bytes(b"half")
    staging = tmp_path / "_staging" / "20990101T000000Z-deadbeef" / "prices"
    staging.mkdir(parents=True)
    assert warehouse.current_id() == good.snapshot_id  # readers following the pointer are unaffected
    second = warehouse.publish(tables(("deepinfra/m", "deepinfra/n")), sources=[SOURCE], code="c2")
    assert not orphan.exists() and not staging.parent.exists()
    assert warehouse.current_id() == second.snapshot_id
    assert json.loads((tmp_path / "CURRENT").read_text()) == {"snapshot_id": second.snapshot_id}
