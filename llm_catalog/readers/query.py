"""Running SQL over a snapshot's connection (llm_catalog.readers.snapshot.connect) and writing its rows: the
`llm-catalog query` command's table, CSV and JSON, and rows as dicts for the page, search and the site."""

from __future__ import annotations

import csv
import io
import json

import duckdb

from llm_catalog.errors import CatalogError
from llm_catalog.text import visible


def fetch_rows(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    """The rows of ``sql`` as dicts by column name."""
    relation = con.execute(sql, params)
    columns = [d[0] for d in relation.description]
    return [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]


def run(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    try:
        relation = con.sql(sql)
    except duckdb.PermissionException as exc:
        raise CatalogError(
            f"query refused: it reaches outside the catalog ({exc}); queries read the snapshot's "
            "tables only (--allow-files lifts this)"
        ) from exc
    except duckdb.Error as exc:
        if "configuration has been locked" in str(exc):
            raise CatalogError(
                f"query refused: the connection's settings are locked ({exc}); --allow-files gives an unlocked one"
            ) from exc
        raise CatalogError(f"query failed: {exc}") from exc
    if relation is None:
        return [], []
    return relation.columns, relation.fetchall()


def render(columns: list[str], rows: list[tuple], fmt: str = "table") -> str:
    """The rows as a table for people (every cell made visible: a control or hidden code point shows as
    `<U+001B>`, it never acts on the terminal), or as data: JSON (which escapes them) or CSV, which keeps every value
    exact, as a program reading it needs (an id must join with the same id elsewhere) and CSV has no escape for."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str, indent=1)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    columns = [visible(c) for c in columns]
    cells = [[visible(_cell(v)) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
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
