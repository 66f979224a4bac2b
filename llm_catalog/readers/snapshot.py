"""Binding a published snapshot: the one way every reader (query, show, search, diff, versions, the site, the checks
that compare a sync with the previous snapshot) picks a snapshot and finds its files. Reads Parquet only, never a
working database, so any number of readers can run beside a sync.

Which snapshot is published, which one is bound (named, current on a date, or current) and its files are decided
by the SET VARIABLE statements of sql/readers/views.sql, run here as they are for a plain DuckDB user, so the two
cannot disagree.

The connection of `connect` is read-only over that snapshot: the views are bound to the snapshot's Parquet files
through Arrow datasets (pyarrow reads them, not DuckDB's file system), then DuckDB's external access is shut,
extension auto-install and auto-load are off and the configuration is locked. A query cannot read, write or attach
any file (``COPY ... TO``, ``ATTACH``, ``read_text``, ``INSTALL``/``LOAD`` are refused); ``allow_files=True`` (the
CLI's ``--allow-files``) leaves DuckDB's defaults for a user who asks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.errors import CatalogError
from llm_catalog.paths import SQL_DIR
from llm_catalog.warehouse.layout import check_snapshot_id
from llm_catalog.warehouse.storage import Storage
from llm_catalog.warehouse.store import Warehouse

if TYPE_CHECKING:
    import pyarrow.dataset as ds

VIEWS_SQL = SQL_DIR / "readers" / "views.sql"
# what shuts a connection: set in this order, the last one locks the rest
READ_ONLY_SETTINGS = (
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET lock_configuration = true",
)
# the views of views.sql that are queries over the tables rather than a table, and the tables each reads (in the
# order they are created: a view before those that read it)
DERIVED_VIEWS = {
    "route_cells": {"routes", "prices", "limits", "capabilities"},
    "similar_models_page": {"similar_models", "routes", "prices", "limits", "capabilities"},
}


@dataclass(frozen=True)
class BoundSnapshot:
    """A published snapshot as sql/readers/views.sql binds it: its id, its manifest (which names the file of each
    of its tables), every published snapshot (oldest first) and the `snapshots` file of each."""

    storage: Storage
    snapshot_id: str
    manifest: dict
    published: list[str]
    snapshot_files: list[str]

    def table_path(self, name: str) -> str | None:
        """The file of table ``name`` in ``storage.fs``; None for a table the snapshot predates (e.g. history in an
        older one)."""
        info = self.manifest["tables"].get(name)
        return self.storage.path(info["path"]) if info else None

    def dataset(self, name: str) -> ds.Dataset | None:
        """Table ``name`` as a pyarrow dataset, from a folder or a bucket; None for a table the snapshot predates."""
        import pyarrow.dataset as ds  # imported here, not with the module: it imports pandas (0.3 s)

        path = self.table_path(name)
        return None if path is None else ds.dataset(path, format="parquet", filesystem=self.storage.fs)

    def read_tables(self, names) -> dict[str, pa.Table]:
        """The Arrow tables ``names`` of the snapshot, those it has (the files `connect`'s views read)."""
        return {name: table.to_table() for name in names if (table := self.dataset(name)) is not None}


def _statements(pattern: str) -> list[str]:
    """The statements of sql/readers/views.sql that start with ``pattern`` (a regex), in the file's order."""
    text = re.sub(r"^\s*--.*$", "", VIEWS_SQL.read_text(), flags=re.MULTILINE)  # comments may hold a ';'
    return [s.strip() for s in text.split(";\n") if re.match(pattern, s.strip())]


def view_names() -> list[str]:
    """The views sql/readers/views.sql defines, in its order (the names `connect` binds, for plain DuckDB users too)."""
    return [re.match(r"CREATE OR REPLACE VIEW (\w+)", s).group(1) for s in _statements("CREATE OR REPLACE VIEW ")]


def _view_statement(name: str) -> str:
    """The CREATE VIEW statement of ``name`` in sql/readers/views.sql."""
    return _statements(rf"CREATE OR REPLACE VIEW {name} AS")[0]


def _bind_on(
    con: duckdb.DuckDBPyConnection, warehouse: Warehouse, snapshot_id: str | None, as_of: date | None
) -> BoundSnapshot:
    warehouse.require()
    if snapshot_id is not None:
        # an id becomes a file name: `../../elsewhere/m` must not reach views.sql; a broken manifest is named
        warehouse.manifest(check_snapshot_id(snapshot_id))
    if warehouse.current_id() is None:
        raise CatalogError(f"no snapshot published in {warehouse.location} yet: run `llm-catalog sync` first")
    warehouse.storage.register_on(con)  # DuckDB reads a bucket's pointer and manifests through pyarrow's S3
    con.execute("SET VARIABLE warehouse = ?", [warehouse.location])
    con.execute("SET VARIABLE snapshot = ?", [snapshot_id])
    con.execute("SET VARIABLE as_of = ?::DATE", [as_of])
    try:
        for statement in _statements("SET VARIABLE "):
            con.execute(statement)
    except duckdb.InvalidInputException as exc:  # the error() of views.sql: an unknown or unpublished snapshot
        raise CatalogError(str(exc).removeprefix("Invalid Input Error: ")) from exc
    except duckdb.Error as exc:  # e.g. a manifest that is not JSON, read for --as-of
        broken = "; ".join(f"{path}: {problem}" for path, problem in warehouse.broken_manifests())
        raise CatalogError(f"cannot read the manifests of {warehouse.location}: {broken or exc}") from exc
    bound, manifest, published, files = con.execute(
        "SELECT getvariable('snapshot'), getvariable('manifest'), getvariable('published'), "
        "getvariable('snapshot_files')"
    ).fetchall()[0]
    manifest = warehouse.manifest(bound)  # checked: a clear error naming the file when it is broken
    # a stray or broken file in manifests/ is no snapshot (a sync warns about it): leave it out of the list
    complete = set(warehouse.snapshot_ids())
    kept = [(i, f) for i, f in zip(published, files, strict=True) if i in complete]
    files = [warehouse.storage.path_of_uri(f) for _, f in kept]
    return BoundSnapshot(warehouse.storage, bound, manifest, [i for i, _ in kept], files)


def bind(warehouse: Warehouse, snapshot_id: str | None = None, *, as_of: date | None = None) -> BoundSnapshot:
    """The published snapshot ``snapshot_id``, else the one current on ``as_of``, else the current one; a clear
    error for an unknown or unpublished id, a date before every snapshot, or a warehouse with none."""
    con = duckdb.connect()
    try:
        return _bind_on(con, warehouse, snapshot_id, as_of)
    finally:
        con.close()


def current_snapshot(warehouse: Warehouse) -> BoundSnapshot | None:
    """The current snapshot, which a sync compares with and carries history from; None before the first publish."""
    return bind(warehouse) if warehouse.exists() and warehouse.current_id() is not None else None


def published_ids(warehouse: Warehouse) -> list[str]:
    """Every published snapshot, oldest first (none before the first publish)."""
    bound = current_snapshot(warehouse)
    return bound.published if bound else []


def _load(con: duckdb.DuckDBPyConnection, name: str, table: ds.Dataset) -> None:
    """``table`` copied into a DuckDB table ``name``: a query of a DuckDB table skips the row groups its filter
    rules out (the tables are in route order) and reads only the columns it names; one of an Arrow table in memory
    scans every row of it."""
    con.from_arrow(table.to_table()).create(name)


def connect(
    warehouse: Warehouse,
    snapshot_id: str | None = None,
    *,
    as_of: date | None = None,
    allow_files: bool = False,
    in_memory: bool = False,
    threads: int | None = None,
) -> tuple[duckdb.DuckDBPyConnection, str]:
    """An in-memory DuckDB connection with a view per table of the snapshot `bind` picks, named as in
    sql/readers/views.sql, read-only unless ``allow_files`` (see the module docstring); and the snapshot's id.
    ``in_memory`` copies each table once into a DuckDB table (``_load``), for a reader that queries them many times
    (a site build's page processes): a view over a file decodes the whole file on every query that cannot skip its
    row groups.
    ``threads`` caps DuckDB's threads (default: one per core), for a process of a pool that has one per core already:
    more would only contend for the cores (a site build's page processes spent an eighth more CPU time)."""
    # imported here, not with the module: pyarrow.dataset imports pandas (0.3 s), and the module is imported by the
    # sync's definitions, which an unchanged sync loads only to find nothing to do
    import pyarrow.dataset as ds

    con = duckdb.connect(config={} if threads is None else {"threads": threads})
    con.execute("SET enable_progress_bar = false")  # a reader prints its answer, never DuckDB's bar on a long query
    bound = _bind_on(con, warehouse, snapshot_id, as_of)
    for name in view_names():
        if name == "snapshots":  # every published snapshot's row
            files = ds.dataset(
                bound.snapshot_files, schema=schemas.SNAPSHOTS, format="parquet", filesystem=bound.storage.fs
            )
            con.register(name, files)
        elif (table := bound.dataset(name)) is not None:
            if in_memory:
                _load(con, name, table)
            else:
                con.register(name, table)
    for name, tables in DERIVED_VIEWS.items():
        if tables <= set(bound.manifest["tables"]):  # not: a snapshot from before one of its tables
            con.execute(_view_statement(name))
    if not allow_files:
        for setting in READ_ONLY_SETTINGS:
            con.execute(setting)
    return con, bound.snapshot_id
