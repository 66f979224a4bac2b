"""Meaning-level checks against the previous snapshot and across routes (warnings), and whole-source guards
(which block a publish). The set work is DuckDB SQL under ``sql/checks``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.normalized.litellm.vocabulary import ENTRY_RULES
from llm_catalog.paths import SQL_DIR
from llm_catalog.sources.source import over_route_limit


def sql_file(name: str) -> str:
    return (SQL_DIR / name).read_text()


def connect(tables: dict[str, pa.Table], previous: dict[str, pa.Table] | None) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the new tables by name and the previous snapshot's as ``previous_<name>``
    (empty when there is no previous snapshot)."""
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    for name in ("routes", "prices"):
        before = (previous or {}).get(name)
        con.register(f"previous_{name}", before if before is not None else schemas.TABLES[name].empty_table())
    return con


def anomalies(tables: dict[str, pa.Table], previous: dict[str, pa.Table] | None) -> pa.Table:
    """Warnings from every ``sql/checks/anomalies/*.sql``, in the rejects table's shape."""
    con = connect(tables, previous)
    parts = [
        con.sql(path.read_text()).to_arrow_table() for path in sorted((SQL_DIR / "checks" / "anomalies").glob("*.sql"))
    ]
    rows = [row for part in parts for row in part.to_pylist()]
    rows.sort(key=lambda r: (r["rule"], r["route_id"], r["field"] or ""))
    return pa.Table.from_pylist(rows, schema=schemas.REJECTS)


@dataclass(frozen=True)
class Guard:
    name: str
    passed: bool
    description: str
    metadata: dict


def _in_source(source: str | None) -> str:
    return f" in source {source}" if source else ""


def route_limit_guard(listed: dict[str, int], limit: int) -> Guard | None:
    """The refusal of a sync whose pricing sources list more routes than ``limit`` together (``listed``: each
    source's routes by name), before they are reconciled and similarity runs over them; None when within it."""
    total = sum(listed.values())
    if total <= limit:
        return None
    each = ", ".join(f"{name}: {count:,}" for name, count in sorted(listed.items(), key=lambda item: -item[1]) if count)
    meta = {"routes": total, "max_routes": limit}
    return Guard("route_count", False, over_route_limit(f"the sync's sources ({each})", total, limit), meta)


def route_count_guard(
    routes: int, previous_routes: int | None, *, max_drop: float, accept: bool, source: str | None = None
) -> Guard:
    if not previous_routes:
        return Guard("route_count", True, f"{routes} routes (no previous snapshot)", {"routes": routes})
    drop = (previous_routes - routes) / previous_routes
    meta = {"routes": routes, "previous_routes": previous_routes, "drop_share": round(drop, 4)}
    if drop > max_drop and not accept:
        return Guard(
            "route_count",
            False,
            f"route count fell from {previous_routes} to {routes} ({drop:.1%}, limit {max_drop:.0%})"
            f"{_in_source(source)}; "
            "if the upstream change is deliberate, sync again with --accept-drop",
            meta,
        )
    note = " (accepted with --accept-drop)" if drop > max_drop else ""
    return Guard("route_count", True, f"{routes} routes, {previous_routes} before{note}", meta)


def routes_by_source(routes: pa.Table | None) -> Counter:
    """How many routes of a published catalog each source listed (a snapshot from before the sources were
    reconciled, or an earlier release's, is the map's alone)."""
    if routes is None:
        return Counter()
    if "sources" not in routes.column_names:
        return Counter({"litellm": routes.num_rows})
    return Counter(source for listed in routes.column("sources").to_pylist() for source in listed)


def price_change_guard(
    tables: dict[str, pa.Table],
    previous: dict[str, pa.Table] | None,
    *,
    max_share: float,
    accept: bool,
    source: str | None = None,
) -> Guard:
    compared, changed = connect(tables, previous).sql(sql_file("checks/changed_price_share.sql")).fetchall()[0]
    share = changed / compared if compared else 0.0
    meta = {"compared": compared, "changed": changed, "changed_share": round(share, 4)}
    if compared >= 100 and share > max_share and not accept:
        return Guard(
            "price_changes",
            False,
            f"{changed} of {compared} prices changed at once ({share:.1%}, limit {max_share:.0%})"
            f"{_in_source(source)}; "
            "if the upstream change is deliberate, sync again with --accept-drop",
            meta,
        )
    return Guard("price_changes", True, f"{changed} of {compared} comparable prices changed", meta)


def reject_share_guard(rejects: pa.Table, routes: int, *, source: str, max_share: float) -> Guard:
    """Leaving out a bad field or a broken entry is policy; a source where many entries are bad is broken, and
    publishing what is left of it would mislead. The share counts broken entries: those left out by an error-level
    entry rule (not an object, no provider, ...) and the published ones with at least one error-level field reject,
    over every entry (routes plus the entries left out). Warnings (a zero placeholder limit, an unusual price) are
    published data and do not count. The limit is ``CatalogSettings.max_reject_share`` (calibrated there)."""
    rows = rejects.to_pylist()
    errors = [r for r in rows if r["severity"] == "error"]
    dropped = {r["route_id"] for r in errors if r["rule"] in ENTRY_RULES}
    with_field_errors = {r["route_id"] for r in errors if r["rule"] not in ENTRY_RULES} - dropped
    total = routes + len({r["route_id"] for r in rows if r["rule"] in ENTRY_RULES})
    broken = len(dropped) + len(with_field_errors)
    share = broken / total if total else 1.0
    meta = {
        "entries": total,
        "entries_left_out": len(dropped),
        "entries_with_field_errors": len(with_field_errors),
        "share": round(share, 4),
    }
    counts = f"{len(dropped)} left out, {len(with_field_errors)} published without a bad field"
    if share > max_share:
        first = "; ".join(
            f"entry {r['route_id']!r}, field {r['field']!r}: {r['message']} (value {_short(r['value'])})"
            for r in errors[:5]
        )
        return Guard(
            "reject_share",
            False,
            f"source {source}: {broken} of {total} entries ({share:.1%}) have errors ({counts}), over the "
            f"{max_share:.0%} limit; nothing is published. First: {first}",
            meta,
        )
    return Guard("reject_share", True, f"{broken} of {total} entries with errors ({counts})", meta)


def _short(text: str | None, limit: int = 120) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
