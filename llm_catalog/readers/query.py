"""Reading the published catalog with DuckDB: one view per table, bound to one snapshot. Reads Parquet only,
never a working database, so any number of readers can run beside a sync.

The connection is read-only over that snapshot: the views are bound to the snapshot's Parquet files through Arrow
datasets (pyarrow reads them, not DuckDB's file system), then DuckDB's external access is shut, extension
auto-install and auto-load are off and the configuration is locked. A query cannot read, write or attach any file
(``COPY ... TO``, ``ATTACH``, ``read_text``, ``INSTALL``/``LOAD`` are refused); ``allow_files=True`` (the CLI's
``--allow-files``) leaves DuckDB's defaults for a user who asks."""

from __future__ import annotations

import csv
import io
import json
import re

import duckdb
import pyarrow.dataset as ds

from llm_catalog import schemas
from llm_catalog.errors import CatalogError
from llm_catalog.paths import SQL_DIR
from llm_catalog.warehouse.store import Warehouse

VIEWS_SQL = SQL_DIR / "readers" / "views.sql"
# what shuts a connection: set in this order, the last one locks the rest
READ_ONLY_SETTINGS = ("SET enable_external_access = false", "SET autoinstall_known_extensions = false",
                      "SET autoload_known_extensions = false", "SET lock_configuration = true")
# the views of views.sql that are queries over the tables rather than a table, and the tables each reads (in the
# order they are created: a view before those that read it)
DERIVED_VIEWS = {"route_cells": {"routes", "prices", "limits", "capabilities"},
                 "similar_models_page": {"similar_models", "routes", "prices", "limits", "capabilities"}}


def view_names() -> list[str]:
    """The views sql/readers/views.sql defines, in its order (the names `connect` binds, for plain DuckDB users too)."""
    return re.findall(r"^CREATE OR REPLACE VIEW (\w+)", VIEWS_SQL.read_text(), flags=re.M)


def _view_statement(name: str) -> str:
    """The CREATE VIEW statement of ``name`` in sql/readers/views.sql."""
    return next(statement for statement in VIEWS_SQL.read_text().split(";\n")
                if re.search(rf"^CREATE OR REPLACE VIEW {name} AS", statement, flags=re.M))


def connect(warehouse: Warehouse, snapshot_id: str | None = None, *,
            allow_files: bool = False) -> tuple[duckdb.DuckDBPyConnection, str]:
    """An in-memory DuckDB connection with a view per table of ``snapshot_id`` (default: current), named as in
    sql/readers/views.sql, read-only unless ``allow_files`` (see the module docstring)."""
    warehouse.require()
    snapshot_id = snapshot_id or warehouse.current_id()
    if snapshot_id is None:
        raise CatalogError(f"no snapshot published in {warehouse.root} yet: run `llm-catalog sync` first")
    manifest = warehouse.manifest(snapshot_id)  # also a clear error for an unknown id
    con = duckdb.connect()
    con.execute("SET VARIABLE warehouse = ?", [str(warehouse.root)])
    con.execute("SET VARIABLE snapshot = ?", [snapshot_id])
    for name in view_names():
        if name == "snapshots":  # every published snapshot's row (as views.sql: up to CURRENT, with a manifest)
            current = warehouse.current_id() or snapshot_id
            files = [str(warehouse.table_path("snapshots", i)) for i in warehouse.snapshot_ids()
                     if i <= current and warehouse.table_path("snapshots", i).is_file()]
            con.register(name, ds.dataset(files, schema=schemas.SNAPSHOTS, format="parquet"))
        elif name in manifest["tables"]:  # not: a table this snapshot predates (e.g. history in an older one)
            con.register(name, ds.dataset(str(warehouse.root / manifest["tables"][name]["path"]), format="parquet"))
    for name, tables in DERIVED_VIEWS.items():
        if tables <= set(manifest["tables"]):  # not: a snapshot from before one of its tables
            con.execute(_view_statement(name))
    if not allow_files:
        for setting in READ_ONLY_SETTINGS:
            con.execute(setting)
    return con, snapshot_id


def run(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    try:
        relation = con.sql(sql)
    except duckdb.PermissionException as exc:
        raise CatalogError(f"query refused: it reaches outside the catalog ({exc}); queries read the snapshot's "
                           "tables only (--allow-files lifts this)") from exc
    except duckdb.Error as exc:
        if "configuration has been locked" in str(exc):
            raise CatalogError(f"query refused: the connection's settings are locked ({exc}); --allow-files "
                               "gives an unlocked one") from exc
        raise CatalogError(f"query failed: {exc}") from exc
    if relation is None:
        return [], []
    return relation.columns, relation.fetchall()


def render(columns: list[str], rows: list[tuple], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], default=str, indent=1)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, list):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    return str(value)

