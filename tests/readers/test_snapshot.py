"""One binding of a published snapshot: plain DuckDB (sql/readers/views.sql) and llm_catalog.readers.snapshot pick
the same snapshot and read the same rows; a snapshot newer than CURRENT is not published for either; `diff` reads
the published `changes` table."""

import json
import shutil

import duckdb
import pytest

from llm_catalog import schemas
from llm_catalog.errors import CatalogError
from llm_catalog.readers import snapshot
from llm_catalog.readers.snapshot import VIEWS_SQL
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

GOOD = "deepinfra/openai/gpt-oss-20b"


def plain_duckdb(root, **variables) -> duckdb.DuckDBPyConnection:
    """sql/readers/views.sql as a DuckDB user runs it (`duckdb -cmd "SET VARIABLE ..." -init views.sql`)."""
    con = duckdb.connect()
    for name, value in {"warehouse": str(root), **variables}.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])
    con.execute(VIEWS_SQL.read_text())
    return con


def fingerprint(con, view: str) -> tuple:
    """A view's columns, types, row count and an order-free hash of its rows."""
    relation = con.sql(f"SELECT * FROM {view}")
    ((rows, digest),) = con.sql(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {view} t").fetchall()
    return relation.columns, [str(t) for t in relation.types], rows, digest


def test_plain_duckdb_and_the_python_binding_read_the_same_snapshot_and_rows(synced_warehouse):
    plain = plain_duckdb(synced_warehouse)
    con, snapshot_id = snapshot.connect(Warehouse(synced_warehouse))
    assert plain.sql("SELECT getvariable('snapshot')").fetchall() == [(snapshot_id,)]
    assert snapshot_id == Warehouse(synced_warehouse).current_id()
    views = snapshot.view_names()
    assert {"routes", "prices", "changes", "snapshots", "route_cells", "similar_models_page"} <= set(views)
    assert {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()} | {
        name for (name,) in con.execute("SHOW TABLES").fetchall()
    } >= set(views)
    # a site build's page processes: each table read into a DuckDB table, one thread
    in_memory, _ = snapshot.connect(Warehouse(synced_warehouse), in_memory=True, threads=1)
    assert in_memory.sql("SELECT current_setting('threads')").fetchall() == [(1,)]
    for view in views:
        assert fingerprint(plain, view) == fingerprint(con, view) == fingerprint(in_memory, view), view
    assert fingerprint(con, "routes")[2] > 1000  # a real snapshot, not two empty ones
    # ... and as read-only as the file-backed one
    with pytest.raises(duckdb.Error, match="disabled|locked"):
        in_memory.execute("SELECT * FROM read_text('/etc/hostname')")


def test_a_snapshot_newer_than_current_is_published_for_neither(synced_warehouse, tmp_path):
    """A publish that died after writing its manifest, before moving CURRENT: listed by neither reader, and named,
    refused by both with the same words."""
    root = tmp_path / "wh"
    root.mkdir()
    for entry in synced_warehouse.iterdir():  # the tables' files shared, the manifests and snapshots rows copied
        if entry.name in ("manifests", "snapshots", "CURRENT"):
            (shutil.copytree if entry.is_dir() else shutil.copy)(entry, root / entry.name)
        else:
            (root / entry.name).symlink_to(entry)
    current = Warehouse(root).current_id()
    published = Warehouse(root).snapshot_ids()  # the bundled earlier releases' and the current one
    assert published[-1] == current
    unpublished = "99991231T000000Z-deadbeef"
    manifest = json.loads((root / "manifests" / f"{current}.json").read_text())
    (root / "manifests" / f"{unpublished}.json").write_text(json.dumps({**manifest, "snapshot_id": unpublished}))
    shutil.copytree(root / "snapshots" / f"snapshot={current}", root / "snapshots" / f"snapshot={unpublished}")

    bound = snapshot.bind(Warehouse(root))
    assert bound.snapshot_id == current and bound.published == published
    plain = plain_duckdb(root)
    assert plain.sql("SELECT getvariable('snapshot'), getvariable('published')").fetchall() == [(current, published)]
    con, _ = snapshot.connect(Warehouse(root))
    listed = "SELECT snapshot_id FROM snapshots ORDER BY snapshot_id"
    assert con.sql(listed).fetchall() == [(i,) for i in published]
    assert plain.sql(listed).fetchall() == [(i,) for i in published]

    with pytest.raises(CatalogError) as refused:
        snapshot.bind(Warehouse(root), unpublished)
    assert str(refused.value) == (
        f"snapshot '{unpublished}' in {root} is not published: it is newer than CURRENT "
        "(a publish in progress, or one that died)"
    )
    with pytest.raises(duckdb.InvalidInputException, match="is not published: it is newer than CURRENT"):
        plain_duckdb(root, snapshot=unpublished)


def test_the_checks_read_the_previous_snapshot_through_the_same_binding(synced_warehouse, tmp_path):
    bound = snapshot.current_snapshot(Warehouse(synced_warehouse))
    tables = bound.read_tables(("routes", "prices", "no_such_table"))
    assert set(tables) == {"routes", "prices"}
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    assert all(tables[name].schema.equals(schemas.TABLES[name]) for name in tables)  # as published
    assert tables["prices"].to_pylist() == con.sql("SELECT * FROM prices").to_arrow_table().to_pylist()
    assert snapshot.current_snapshot(Warehouse(tmp_path / "none")) is None  # before the first publish


@pytest.fixture(scope="module")
def three_snapshots(tmp_path_factory, small_map):
    """Three dated maps backfilled: a price cut on the second day, a limit raise on the third."""
    folder = tmp_path_factory.mktemp("maps")
    second = {**small_map, GOOD: {**small_map[GOOD], "input_cost_per_token": 2e-08}}
    third = {**second, GOOD: {**second[GOOD], "max_output_tokens": 65536}}
    for day, content in (("2026-01-01", small_map), ("2026-02-01", second), ("2026-03-01", third)):
        (folder / f"{day}-map.json").write_text(json.dumps(content))
    root = tmp_path_factory.mktemp("diff") / "wh"
    assert main(["backfill", "--warehouse", str(root), str(folder), "--quiet"]) == 0
    return root


def diff_json(capsys, root, *ids) -> dict:
    capsys.readouterr()
    assert main(["diff", "--warehouse", str(root), *ids, "--format", "json", "--limit", "1000"]) == 0
    return json.loads(capsys.readouterr().out)


def table_rows(capsys, root, where: str) -> list[dict]:
    capsys.readouterr()
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(root),
                "--format",
                "json",
                f"SELECT * FROM changes WHERE {where} ORDER BY snapshot_id, route_id, change, field",
            ]
        )
        == 0
    )
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow  # a real sync
def test_diff_shows_the_rows_of_the_published_changes_table(three_snapshots, capsys):
    first, second, third = Warehouse(three_snapshots).snapshot_ids()
    shown = diff_json(capsys, three_snapshots)  # the last two: the changes that made the current snapshot
    assert (shown["old"]["snapshot_id"], shown["new"]["snapshot_id"]) == (second, third)
    rows = [r for change in shown["changes"].values() for r in change]
    expected = table_rows(capsys, three_snapshots, f"snapshot_id = '{third}'")
    assert sorted(({k: r[k] for k in expected[0]} for r in rows), key=json.dumps) == sorted(expected, key=json.dumps)
    assert [(r["route_id"], r["change"], r["field"], r["limit_name"]) for r in expected] == [
        (GOOD, "limit", "max output tokens", "max_output_tokens")
    ]
    assert shown["total"] == len(expected) == 1

    # between two named snapshots: the rows of every snapshot after the older one, up to the newer one
    shown = diff_json(capsys, three_snapshots, first, third)
    expected = table_rows(capsys, three_snapshots, f"snapshot_id > '{first}' AND snapshot_id <= '{third}'")
    assert shown["total"] == len(expected) == 2 and shown["counts"]["price"] == shown["counts"]["limit"] == 1
    assert [r["snapshot_id"] for r in shown["changes"]["price"]] == [second]
    assert shown["changes"]["price"][0]["detail"] == "input price per 1M tokens: $0.03 -> $0.02 (-33.3%)"
    capsys.readouterr()
    assert main(["diff", "--warehouse", str(three_snapshots), third, first]) == 1
    assert f"{third} is newer than {first}" in capsys.readouterr().err
