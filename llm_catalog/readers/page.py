"""The data of a model page: one route, section by section, from one snapshot's views (the sections of the
reference catalog page: pricing, token limits, capabilities, benchmarks, sources, other providers, similar models),
as plain data that `llm-catalog show` (llm_catalog.readers.formatting) and the site lay out.

Each price and limit carries whose word it is (`source`, `sources_stating`, `sources_agreeing`, `rule`) and, where
the sources disagree, every source's statement (`statements`, from price_disagreements and limit_disagreements);
a snapshot from before those tables or columns (an earlier release's, or older code's) shows none of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import duckdb

from llm_catalog.errors import CatalogError
from llm_catalog.normalized.litellm.vocabulary import CORE_CAPABILITIES
from llm_catalog.normalized.pricing import payload_as_of
from llm_catalog.paths import SQL_DIR
from llm_catalog.readers.counts import not_priced, with_self_hosted
from llm_catalog.readers.query import fetch_rows
from llm_catalog.registry import BY_NAME

SIMILAR_SHOWN = 20  # ranked rows of the similar-models table
PAGE_SQL = SQL_DIR / "readers" / "page"
# the queries of sql/readers/page/ and the view each reads (a snapshot from before that view gives no rows)
PAGE_TABLES = {
    "routes": "routes",
    "prices": "prices",
    "limits": "limits",
    "capabilities": "capabilities",
    "benchmarks": "benchmarks",
    "models": "models",
    "alternatives": "alternatives",
    "price_history": "price_history",
    "similar_models": "similar_models",
    "route_cells": "similar_models_page",  # reads route_cells and similar_models: the view made of both
    "route_sources": "route_sources",
    "price_disagreements": "price_disagreements",
    "limit_provenance": "limit_provenance",
    "limit_disagreements": "limit_disagreements",
}
# columns later code added to a view a page query reads: the {placeholder} of each file, the column it stands for
# and the expression it becomes; NULL for a snapshot from before the column
LATER_COLUMNS = {
    "benchmarks": ("benchmarks", {"reported_by": "reported_by"}),
    "routes": ("routes", {"sources": "sources", "self_hosted": "self_hosted"}),
    "alternatives": ("routes", {"other_self_hosted": "o.self_hosted"}),
    "prices": ("prices", {c: c for c in ("source", "sources_stating", "sources_agreeing", "rule")}),
    "similar_models": ("similar_models", {"variants": "variants"}),
    "similar_table": ("similar_models", {"variants": "variants"}),
}
PRICE_KEY = ("price_kind", "tier", "condition", "unit")
SIMILAR_TABLES = ("similar_models", "route_cells")  # read with the lenses and the number of rows shown
SITE_TABLES = {"similar_table": "similar_models"}  # the queries only the site reads (similar_table) and their views
PAGE_BATCH = 1000  # routes read per query: bounded memory, few queries
FAMILY_BENCHMARKS_SHOWN = 20  # rows of the family's other base models, after all of the route's and base model's
EXTRA_PARAMS = {"benchmarks": {"family_shown": FAMILY_BENCHMARKS_SHOWN}}  # what a page query takes beyond $routes


def gather(con: duckdb.DuckDBPyConnection, route_id: str, snapshot_id: str, lens: str = "overall") -> dict:
    """Everything the page of ``route_id`` shows, as plain data (what ``--format json`` prints and ``render_text``
    lays out), from the views of ``con`` (llm_catalog.readers.snapshot.connect); ``lens`` orders the similar models
    as the page's filter does."""
    for found in gather_pages(con, snapshot_id, [route_id], lenses=(lens,)):
        return found
    raise CatalogError(f"no route {route_id!r} in snapshot {snapshot_id}")


def gather_pages(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: str,
    route_ids: list[str] | None = None,
    *,
    lenses: tuple[str, ...] = ("overall",),
    batch: int = PAGE_BATCH,
    similar: bool = True,
) -> Iterator[dict]:
    """The page of each of ``route_ids`` (default: every route, by id), as ``gather`` gives it, read ``batch``
    routes at a time: one query per table and batch (sql/readers/page/), so the whole catalog is a few dozen queries.
    ``similar_models`` follows the first of ``lenses``; ``similar_by_lens`` has the table of each (none without
    ``similar``: the site reads its table through ``similar_tables``)."""
    if route_ids is None:
        route_ids = [r for (r,) in con.execute("SELECT route_id FROM routes ORDER BY route_id").fetchall()]
    sources = snapshot_sources(con, snapshot_id)
    present = _present(con)
    stand_ins = _stand_ins(con, present)
    for start in range(0, len(route_ids), batch):
        params = {"routes": route_ids[start : start + batch]}
        tables = {
            name: _by_route(con, name, present, params | EXTRA_PARAMS.get(name, {}), stand_ins.get(name, {}))
            for name in PAGE_TABLES
            if name not in SIMILAR_TABLES
        }
        read = SIMILAR_TABLES if similar else ()
        listing = {
            name: _by_route(
                con, name, present, {**params, "lenses": list(lenses), "shown": SIMILAR_SHOWN}, stand_ins.get(name, {})
            )
            if name in read
            else {}
            for name in SIMILAR_TABLES
        }
        cells = {route_id: found[0] for route_id, found in listing["route_cells"].items()}
        for route_id, (route,) in tables["routes"].items():
            listed = _similar_rows(route_id, listing["similar_models"].get(route_id, []), cells)
            yield _page(route_id, route, tables, listed, sources, lenses)


def _page(
    route_id: str,
    route: dict,
    tables: dict[str, dict[str, list[dict]]],
    similar: list[dict],
    sources: dict,
    lenses: tuple[str, ...],
) -> dict:
    limits = tables["limits"].get(route_id)
    supported = {c["capability"]: c["supported"] for c in tables["capabilities"].get(route_id, [])}
    benchmarks, more_benchmarks = _benchmarks(tables["benchmarks"].get(route_id, []))
    docs = tables["models"].get(route_id)
    by_lens: dict[str, list[dict]] = {lens: [] for lens in lenses}
    for row in similar:
        by_lens[row.pop("lens")].append(row)
    disagreeing = {
        tuple(d[k] for k in PRICE_KEY): d["statements"] for d in tables["price_disagreements"].get(route_id, [])
    }
    prices = [
        {**p, **not_priced(route, p), "statements": disagreeing.get(tuple(p[k] for k in PRICE_KEY), [])}
        for p in tables["prices"].get(route_id, [])
    ]
    limit_statements = {d["limit_name"]: d["statements"] for d in tables["limit_disagreements"].get(route_id, [])}
    return {
        "route": with_self_hosted({"route_id": route_id, **route}),
        "prices": prices,
        "limits": limits[0]
        if limits
        else dict.fromkeys(("context_window", "max_input_tokens", "max_output_tokens", "max_tokens")),
        "limit_sources": {
            p["limit_name"]: {
                **{k: v for k, v in p.items() if k != "limit_name"},
                "statements": limit_statements.get(p["limit_name"], []),
            }
            for p in tables["limit_provenance"].get(route_id, [])
        },
        "route_sources": tables["route_sources"].get(route_id, []),
        "capabilities": {c: supported.get(c) for c in CORE_CAPABILITIES},
        "benchmarks": benchmarks,
        "more_family_benchmarks": more_benchmarks,
        "docs": docs[0] if docs else None,
        "sources": sources,
        "alternatives": [with_self_hosted(a, "other_") for a in tables["alternatives"].get(route_id, [])],
        "price_history": tables["price_history"].get(route_id, []),
        "similar_lens": lenses[0],
        "similar_models": by_lens[lenses[0]],
        "similar_by_lens": by_lens,
    }


def _similar_rows(route_id: str, listed: list[dict], cells: dict[str, dict]) -> list[dict]:
    """The rows of the similar_models_page view (sql/readers/views.sql) for one route: each listed route with its
    cells (none in an earlier release's snapshot, which has no similarity tables)."""
    if not listed:
        return []
    provider = cells[route_id]["provider"]
    return [
        {
            "lens": row["lens"],
            "rank": row["rank"],
            "other_route_id": row["other_route_id"],
            "variants": row["variants"],
            **{k: v for k, v in cells[row["other_route_id"]].items() if k not in ("provider", "mode")},
            "reasons": row["reasons"].split("|"),
            "score": row["score"],
            "same_provider": cells[row["other_route_id"]]["provider"] == provider,
        }
        for row in listed
    ]


def similar_tables(
    con: duckdb.DuckDBPyConnection, route_ids: list[str], lenses: tuple[str, ...]
) -> dict[str, list[dict]]:
    """The similar-models table of each of ``route_ids`` as the site's page shows it, every lens of ``lenses`` in
    one table (sql/readers/page/similar_table.sql); a route that lists none has no rows."""
    present = _present(con)
    params = {"routes": route_ids, "lenses": list(lenses), "shown": SIMILAR_SHOWN}
    return _by_route(con, "similar_table", present, params, _stand_ins(con, present)["similar_table"])


def route_cells(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """What a similar-models table shows of each route of the snapshot (the route_cells view), by route id; none for
    a snapshot from before the similarity tables."""
    if "route_cells" not in _present(con):
        return {}
    return {row["route_id"]: row for row in fetch_rows(con, "SELECT * FROM route_cells", [])}


def _present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables and views of ``con``: a snapshot's tables are views over its files, or tables when it was read
    into memory (snapshot.connect's in_memory)."""
    return {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _stand_ins(con: duckdb.DuckDBPyConnection, present: set[str]) -> dict[str, dict[str, str]]:
    """What each {placeholder} of LATER_COLUMNS becomes in the snapshot of ``con``: its expression where the view
    has the column, NULL where the snapshot predates it."""
    stand_ins = {}
    for name, (view, columns) in LATER_COLUMNS.items():
        have = set(con.sql(f"SELECT * FROM {view} LIMIT 0").columns) if view in present else set()
        stand_ins[name] = {column: expr if column in have else "NULL" for column, expr in columns.items()}
    return stand_ins


def _by_route(
    con: duckdb.DuckDBPyConnection, name: str, present: set[str], params: dict, stand_ins: dict[str, str] | None = None
) -> dict[str, list[dict]]:
    """The rows of sql/readers/page/<name>.sql for a batch of routes, grouped by route id (the file orders them);
    none when the snapshot predates the table the file reads."""
    if (PAGE_TABLES | SITE_TABLES)[name] not in present:
        return {}
    sql = (PAGE_SQL / f"{name}.sql").read_text()
    for column, expr in (stand_ins or {}).items():
        sql = sql.replace(f"{{{column}}}", expr)
    grouped: dict[str, list[dict]] = {}
    for row in fetch_rows(con, sql, params):
        grouped.setdefault(row.pop("route_id"), []).append(row)
    return grouped


def snapshot_sources(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> dict:
    """The sources section: every source of the snapshot, in the order it records them, with what the catalog takes
    from it (the registry's `provides`), its status (fetched, fallback: an earlier payload, skipped) and note, and
    the day its statements are of (llm_catalog.normalized.pricing.payload_as_of; none for a skipped source)."""
    snapshot = fetch_rows(con, "SELECT as_of, created_at, sources FROM snapshots WHERE snapshot_id = ?", [snapshot_id])[
        0
    ]
    listed = [
        {
            "source": s["source"],
            "provides": list(BY_NAME[s["source"]].provides) if s["source"] in BY_NAME else [],
            "attribution": BY_NAME[s["source"]].attribution if s["source"] in BY_NAME else None,
            "version": s.get("version"),
            "status": s.get("status"),
            "note": s.get("note"),
            "origin": s.get("origin"),
            "as_of": payload_as_of(s) if s.get("status") != "skipped" and _stamped(s) else None,
        }
        for s in _manifest_sources(con, snapshot_id) or snapshot["sources"]
    ]
    return {
        "snapshot_id": snapshot_id,
        "as_of": snapshot["as_of"],
        "published": snapshot["created_at"],
        "listed": listed,
        "pricing": [s for s in listed if "prices" in s["provides"] and s["status"] != "skipped"],
    }


def _manifest_sources(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> list[dict] | None:
    """The sources of the manifest sql/readers/views.sql bound (with each one's note, fetch and release times,
    which the `snapshots` table leaves out); None when ``con`` is bound to another snapshot or to none."""
    try:
        (text,) = con.execute("SELECT getvariable('manifest')").fetchone()
    except duckdb.Error:
        return None
    manifest = json.loads(text) if text else {}
    return manifest.get("sources") if manifest.get("snapshot_id") == snapshot_id else None


def _stamped(source: dict) -> bool:
    return bool(source.get("released") or source.get("fetched_at"))


def _benchmarks(marks: list[dict]) -> tuple[list[dict], int]:
    """All of the route's and its base model's scores, then its family's other base models' (at most
    FAMILY_BENCHMARKS_SHOWN rows in all, at least 5: benchmarks.sql keeps only those); and how many family rows are
    left out."""
    family = 0
    for m in marks:
        family = m.pop("family_rows")
    return marks, max(family - sum(m["from_family"] for m in marks), 0)
