"""Running the SQL files of ``sql/reconciliation`` statement by statement (DuckDB prepares one statement at a time)."""

from __future__ import annotations

import re

import duckdb

from llm_catalog.paths import SQL_DIR

RECONCILIATION_SQL = SQL_DIR / "reconciliation"


def run(con: duckdb.DuckDBPyConnection, name: str, params: list | None = None, **names: str) -> None:
    """Run ``sql/reconciliation/<name>``; ``{word}`` placeholders are replaced by ``names`` (column names only,
    never values: values go in ``params``, bound as ``$1``, ``$2``...)."""
    text = (RECONCILIATION_SQL / name).read_text()
    for placeholder, value in names.items():
        text = text.replace("{" + placeholder + "}", value)
    # comments may hold a ';': drop them before splitting (no SQL text here holds '--' inside a string)
    text = re.sub(r"--[^\n]*", "", text)
    for statement in (part.strip() for part in text.split(";")):
        if statement:
            con.execute(statement, params if params and "$" in statement else None)


def query(con: duckdb.DuckDBPyConnection, name: str):
    """The result of the single SELECT in ``sql/reconciliation/<name>``, as a relation."""
    return con.sql((RECONCILIATION_SQL / name).read_text())
