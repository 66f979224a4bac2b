"""Reading the published catalog with DuckDB: one view per table, bound to one snapshot. Reads Parquet only,
never a working database, so any number of readers can run beside a sync."""

from __future__ import annotations

import csv
import io
import json
import re

import duckdb

from llm_catalog import schemas
from llm_catalog.errors import CatalogError
from llm_catalog.paths import SQL_DIR
from llm_catalog.warehouse import Warehouse

VIEWS_SQL = SQL_DIR / "views.sql"
# the views of views.sql that are not a table, and the tables each reads
DERIVED_VIEWS = {"similar_models_page": {"similar_models", "routes", "prices", "limits", "capabilities"}}


def connect(warehouse: Warehouse, snapshot_id: str | None = None) -> tuple[duckdb.DuckDBPyConnection, str]:
    """An in-memory DuckDB connection with the views of sql/views.sql bound to ``snapshot_id`` (default: current)."""
    snapshot_id = snapshot_id or warehouse.current_id()
    if snapshot_id is None:
        raise CatalogError(f"no snapshot published in {warehouse.root} yet: run `llm-catalog sync` first")
    published = set(warehouse.manifest(snapshot_id)["tables"])  # also a clear error for an unknown id
    con = duckdb.connect()
    con.execute("SET VARIABLE warehouse = ?", [str(warehouse.root)])
    con.execute("SET VARIABLE snapshot = ?", [snapshot_id])
    for statement in VIEWS_SQL.read_text().split(";\n"):
        view = re.match(r"\s*CREATE OR REPLACE VIEW (\w+)", re.sub(r"^\s*--.*$", "", statement, flags=re.M))
        if view and view.group(1) in schemas.PUBLISHED_TABLES and view.group(1) not in published:
            continue  # a table this snapshot predates (e.g. history tables in an older snapshot)
        if view and view.group(1) in DERIVED_VIEWS and not DERIVED_VIEWS[view.group(1)] <= published:
            continue  # a view over tables this snapshot predates
        if statement.strip():
            con.execute(statement)
    return con, snapshot_id


def run(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    try:
        relation = con.sql(sql)
    except duckdb.Error as exc:
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

