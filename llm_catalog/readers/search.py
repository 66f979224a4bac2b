"""Finding routes by a text: route id, model name, base model, family or provider, fuzzy and case-insensitive.
The ranking is sql/readers/search/routes.sql over one snapshot's views (llm_catalog.readers.snapshot.connect)."""

from __future__ import annotations

import re

import duckdb

from llm_catalog.identity.resolver import default_resolver
from llm_catalog.paths import SQL_DIR
from llm_catalog.readers.query import fetch_rows

SEARCH_SQL = SQL_DIR / "readers" / "search" / "routes.sql"
EXACT = 0.98  # a score from here up is an exact match of a route id, a route's model name or its base model


def search(con: duckdb.DuckDBPyConnection, text: str, *, limit: int = 20) -> list[dict]:
    """Routes best matching ``text``, best first: route_id, provider_name, base_model, family, mode, score,
    matched (the field that decided)."""
    query = text.strip().lower()
    base = default_resolver().resolve_name(re.sub(r"\s+", "-", query))[0] if query else query
    bare = query.split("/", 1)[1] if "/" in query else None
    return fetch_rows(con, SEARCH_SQL.read_text(), {"q": query, "base": base, "bare": bare, "limit": limit})


def exact_matches(found: list[dict]) -> list[dict]:
    return [row for row in found if row["score"] >= EXACT]
