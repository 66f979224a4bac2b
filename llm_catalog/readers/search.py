"""Finding routes by a text: route id, model name, base model, family or provider, fuzzy and case-insensitive.
The ranking is sql/readers/search/routes.sql over one snapshot's views (llm_catalog.readers.snapshot.connect); the
site's index ranks the same way in the browser (llm_catalog/site/static/search.js) with the same spelling table."""

from __future__ import annotations

import re

import duckdb

from llm_catalog.identity.resolver import default_resolver
from llm_catalog.paths import SQL_DIR
from llm_catalog.readers.query import fetch_rows

SEARCH_SQL = SQL_DIR / "readers" / "search" / "routes.sql"
SPELLINGS_SQL = SQL_DIR / "readers" / "search" / "spellings.sql"
EXACT = 0.98  # a score from here up is an exact match of a route id, a route's model name or its base model
SPACE = " \t\n\r\f\v"  # ASCII whitespace only: Python's and JavaScript's wider sets differ (search.js uses this one)
ALIAS_TIER = 1  # a curated alias outranks a route's id or model name, after the base model's own name


def normalized(text: str) -> str:
    """A search text as the spelling table keys it: lowercased, trimmed, each run of whitespace one '-'."""
    return re.sub(f"[{SPACE}]+", "-", text.strip(SPACE).lower())


def spellings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """spelling -> base model for every base model of the snapshot: its own name, each route's id and model name,
    and each curated alias (data/model_aliases.csv) of a base model the snapshot has. A spelling naming several
    base models means the one of the best tier (own name, alias, route id, model name), then of the most routes,
    then the first by name."""
    candidates = fetch_rows(con, SPELLINGS_SQL.read_text(), [])
    bases = {row["base_model"] for row in candidates}
    aliases = [
        {"spelling": alias, "base_model": base, "tier": ALIAS_TIER, "routes": 0}
        for alias, base in default_resolver().aliases.items()
        if base in bases
    ]
    best: dict[str, tuple] = {}
    for row in candidates + aliases:
        key = normalized(row["spelling"])
        rank = (row["tier"], -row["routes"], row["base_model"])
        if key and (key not in best or rank < best[key]):
            best[key] = rank
    return {key: rank[2] for key, rank in sorted(best.items())}


def query_parameters(text: str, names: dict[str, str]) -> dict:
    """$q (the text lowercased and trimmed), $base (the base model the spelling table gives its normalized form,
    else that form) and $bare (the text after its first '/', else none): search.js computes the same."""
    query = text.strip(SPACE).lower()
    key = normalized(text)
    return {"q": query, "base": names.get(key, key), "bare": query.split("/", 1)[1] if "/" in query else None}


def search(
    con: duckdb.DuckDBPyConnection, text: str, *, limit: int = 20, names: dict[str, str] | None = None
) -> list[dict]:
    """Routes best matching ``text``, best first: route_id, provider_name, base_model, family, mode, score,
    matched (the field that decided). ``names``: the snapshot's spelling table, if the caller has it already."""
    parameters = query_parameters(text, spellings(con) if names is None else names)
    return fetch_rows(con, SEARCH_SQL.read_text(), {**parameters, "limit": limit})


def exact_matches(found: list[dict]) -> list[dict]:
    return [row for row in found if row["score"] >= EXACT]
