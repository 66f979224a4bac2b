"""Publishing mechanics on small tables: the plan, pointer, manifest, leftovers of a dead publish."""

import json
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.warehouse.store import Warehouse
from llm_catalog.warehouse.version import fingerprint

SOURCE = {"source": "litellm", "origin": "test", "sha256": "a" * 64, "size_bytes": 10, "version": None}


def tables(routes=("deepinfra/m",)):
    out = {name: schema.empty_table() for name, schema in {**schemas.TABLES, **schemas.HISTORY}.items()}
    out["routes"] = pa.Table.from_pylist(
        [
            {
                "route_id": r,
                "provider": "deepinfra",
                "model": r,
                "base_model": r,
                "resolved_by": "rules",
                "modalities_stated": False,
                "sources": ["litellm"],
                "self_hosted": False,
            }
            for r in routes
        ],
        schema=schemas.CATALOG_ROUTES,
    )
    return out


def publish(warehouse, published, *, code="c1", **plan):
    """Plan a snapshot of SOURCE with ``code`` and publish ``published`` as it."""
    return warehouse.publish(published, warehouse.plan(sources=[SOURCE], code=code, **plan), sources=[SOURCE])


def test_publish_moves_the_pointer_last_and_is_idempotent(tmp_path):
    warehouse = Warehouse(tmp_path)
    first = publish(warehouse, tables())
    assert first.published and warehouse.current_id() == first.snapshot_id
    again = publish(warehouse, tables())
    assert not again.published and again.snapshot_id == first.snapshot_id
    newer_code = publish(warehouse, tables(), code="c2")
    assert newer_code.published and warehouse.snapshot_ids() == sorted([first.snapshot_id, newer_code.snapshot_id])
    assert warehouse.manifest(newer_code.snapshot_id)["previous_snapshot_id"] == first.snapshot_id


def test_the_plan_names_the_snapshot_before_the_publish(tmp_path):
    warehouse = Warehouse(tmp_path)
    now = datetime(2026, 3, 1, 12, 30, 5, 999, tzinfo=UTC)
    plan = warehouse.plan(sources=[SOURCE], code="c1", now=now)
    key = fingerprint([SOURCE], "c1")
    assert (plan.snapshot_id, plan.previous_snapshot_id, plan.as_of) == (
        f"20260301T123005Z-{key[:8]}",
        None,
        date(2026, 3, 1),
    )
    assert type(plan).from_dict(json.loads(json.dumps(plan.to_dict()))) == plan  # as the IO manager hands it on
    result = warehouse.publish(tables(), plan, sources=[SOURCE])
    assert result.snapshot_id == plan.snapshot_id == warehouse.current_id()
    assert warehouse.manifest(plan.snapshot_id)["created_at"] == "2026-03-01T12:30:05+00:00"


def test_a_stale_plan_is_refused_and_nothing_moves(tmp_path):
    """Two plans on top of the same snapshot: the first publish moves CURRENT, so the second's history (computed
    from the snapshot it was planned on) would be stale."""
    warehouse = Warehouse(tmp_path)
    first = publish(warehouse, tables())
    other = {**SOURCE, "sha256": "b" * 64}
    stale = warehouse.plan(sources=[other], code="c1")
    moved = publish(warehouse, tables(("deepinfra/m", "deepinfra/n")), code="c2")
    assert moved.published and stale.previous_snapshot_id == first.snapshot_id
    with pytest.raises(
        PublishError,
        match=f"planned on top of snapshot {first.snapshot_id}, but the current one is "
        f"now {moved.snapshot_id}, so its history tables are stale",
    ):
        warehouse.publish(tables(), stale, sources=[other])
    assert warehouse.current_id() == moved.snapshot_id and stale.snapshot_id not in warehouse.snapshot_ids()
    assert not (tmp_path / "routes" / f"snapshot={stale.snapshot_id}").exists()


def test_a_plan_for_other_sources_is_refused(tmp_path):
    warehouse = Warehouse(tmp_path)
    plan = warehouse.plan(sources=[SOURCE], code="c1")
    with pytest.raises(PublishError, match=f"snapshot {plan.snapshot_id} was planned for other sources or code"):
        warehouse.publish(tables(), plan, sources=[{**SOURCE, "sha256": "b" * 64}])
    assert warehouse.current_id() is None


def test_an_older_as_of_is_refused_when_planned_and_when_published(tmp_path):
    warehouse = Warehouse(tmp_path)
    publish(warehouse, tables(), as_of=date(2026, 3, 1))
    with pytest.raises(
        PublishError, match="refusing a snapshot as of 2026-02-01: the warehouse already has one as of 2026-03-01"
    ):
        warehouse.plan(sources=[SOURCE], code="c2", as_of=date(2026, 2, 1))


def test_fingerprint_depends_on_sources_and_code_only():
    assert fingerprint([SOURCE], "c1") == fingerprint([{**SOURCE, "origin": "elsewhere"}], "c1")
    assert fingerprint([SOURCE], "c1") != fingerprint([{**SOURCE, "sha256": "b" * 64}], "c1")
    assert fingerprint([SOURCE], "c1") != fingerprint([SOURCE], "c2")


def test_a_table_off_its_schema_is_refused_and_nothing_moves(tmp_path):
    warehouse = Warehouse(tmp_path)
    bad = tables()
    bad["limits"] = pa.table({"route_id": ["x"]})
    with pytest.raises(PublishError, match="limits"):
        publish(warehouse, bad)
    assert warehouse.current_id() is None and warehouse.snapshot_ids() == []


def test_missing_tables_are_refused(tmp_path):
    for table in ("prices", "price_history"):
        partial = tables()
        del partial[table]
        with pytest.raises(PublishError, match=table):
            publish(Warehouse(tmp_path), partial)


def test_leftovers_of_a_dead_publish_are_cleaned_before_the_next(tmp_path):
    warehouse = Warehouse(tmp_path)
    good = publish(warehouse, tables())
    # what a publish killed after moving one table folder, before its manifest, leaves behind
    orphan = tmp_path / "routes" / "snapshot=20990101T000000Z-deadbeef"
    orphan.mkdir(parents=True)
    (orphan / "part-0.parquet").write_bytes(b"half")
    staging = tmp_path / "_staging" / "20990101T000000Z-deadbeef" / "prices"
    staging.mkdir(parents=True)
    assert warehouse.current_id() == good.snapshot_id  # readers following the pointer are unaffected
    second = publish(warehouse, tables(("deepinfra/m", "deepinfra/n")), code="c2")
    assert not orphan.exists() and not staging.parent.exists()
    assert warehouse.current_id() == second.snapshot_id
    assert json.loads((tmp_path / "CURRENT").read_text()) == {"snapshot_id": second.snapshot_id}
