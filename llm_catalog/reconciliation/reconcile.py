"""Every source's normalized tables reconciled in one call: routes matched, a value chosen per field, disagreements
kept (see ``matching`` and ``choose`` for the rules)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from llm_catalog import schemas
from llm_catalog.identity.providers import with_self_hosted
from llm_catalog.identity.resolver import ModelResolver
from llm_catalog.reconciliation.choose import choose
from llm_catalog.reconciliation.matching import match_routes, route_keys
from llm_catalog.reconciliation.sources import (
    KEPT_TABLES,
    TABLES,
    SourceInfo,
    checked_tables,
    info_tables,
    kept_table,
    with_source,
)

CATALOG_TABLES = {**schemas.CATALOG, **schemas.RECONCILIATION}


@dataclass
class Reconciled:
    """``tables``: the catalog's (``schemas.CATALOG``: routes with ``sources``, chosen prices, limits and
    capabilities with their provenance, every source's extra fields and rejects) and how it was reconciled
    (``schemas.RECONCILIATION``). ``stats``: per source, its routes and how they matched (``new``: unmatched, kept)."""

    tables: dict[str, pa.Table]
    stats: dict = field(default_factory=dict)


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"temp_directory": tempfile.gettempdir() + "/llm-catalog-duckdb"})
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _select(con: duckdb.DuckDBPyConnection, view: str, order: str) -> pa.Table:
    return con.sql(f"SELECT * FROM {view} ORDER BY {order}").to_arrow_table()


def reconcile(
    sources: Mapping[str, Mapping[str, pa.Table]],
    info: Mapping[str, SourceInfo],
    *,
    resolver: ModelResolver | None = None,
    published: pa.Table | None = None,
    threads: int | None = None,
) -> Reconciled:
    """``sources``: source name -> its normalized tables (``routes``, ``prices``, ``limits``, ``capabilities``), the
    first source's route ids kept. ``info``: each source's SourceInfo; it may also describe a source not in the run
    (its authority still puts a source generated from it second in line). ``published``: the ``route_sources`` the
    catalog published last, whose route ids stay."""
    names = list(sources)
    if not names:
        raise ValueError("reconcile needs at least one source")
    checked = {name: checked_tables(name, tables) for name, tables in sources.items()}
    source_info, derivations = info_tables(names, info)
    con = connect(threads)
    con.register("source_info", source_info)
    con.register("derivations", derivations)
    for kind in TABLES:
        con.register(f"source_{kind}", with_source([(name, checked[name][kind]) for name in names]))
    for kind in KEPT_TABLES:  # optional: what a source could not type, and what it left out
        con.register(f"source_{kind}", with_source([(name, kept_table(name, kind, sources[name])) for name in names]))
    keys = pa.concat_tables([route_keys(name, checked[name]["routes"], resolver) for name in names])
    matching = match_routes(con, names, keys, None if published is None else published.cast(schemas.ROUTE_SOURCES))
    chosen = choose(con)
    tables = {
        "routes": with_self_hosted(_select(con, "catalog_routes", "route_id")),
        "prices": chosen.pop("chosen_prices"),
        "limits": _select(con, "catalog_limits", "route_id"),
        "capabilities": chosen.pop("chosen_capabilities"),
        "extra_fields": _select(con, "catalog_extra_fields", "route_id, source, field"),
        "rejects": _select(con, "catalog_rejects", "source, route_id, field NULLS FIRST, rule"),
        "route_sources": matching.route_sources,
        "limit_provenance": chosen.pop("chosen_limits"),
        **chosen,
    }
    tables = {name: table.cast(CATALOG_TABLES[name]) for name, table in tables.items()}
    con.close()
    stats = {
        "sources": matching.stats,
        "routes": tables["routes"].num_rows,
        "disagreements": {
            name: tables[name].num_rows
            for name in ("price_disagreements", "limit_disagreements", "capability_disagreements")
        },
    }
    return Reconciled(tables, stats)


def one_source(name: str, tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """The catalog's tables when ``name`` is the only source (an earlier release of the map): every route and value
    its own, rule ``single_source``; what ``reconcile`` gives for one source, without its joins."""
    checked = checked_tables(name, tables)

    def column(value, rows: int, kind: pa.DataType) -> pa.Array:
        return pa.array([value] * rows, kind)

    def provenance(table: pa.Table) -> pa.Table:
        rows = table.num_rows
        for label, value, kind in (
            ("source", name, pa.string()),
            ("sources_stating", [name], pa.list_(pa.string())),
            ("sources_agreeing", [name], pa.list_(pa.string())),
            ("rule", "single_source", pa.string()),
        ):
            table = table.append_column(label, column(value, rows, kind))
        return table

    routes = checked["routes"]
    stated = checked["capabilities"].filter(pc.is_valid(checked["capabilities"]["supported"]))
    found = {
        "routes": with_self_hosted(
            routes.append_column("sources", column([name], routes.num_rows, pa.list_(pa.string())))
        ),
        "prices": provenance(checked["prices"]),
        "limits": checked["limits"],
        "capabilities": provenance(stated),
    }
    for kind in KEPT_TABLES:
        kept = kept_table(name, kind, tables)
        found[kind] = kept.append_column("source", column(name, kept.num_rows, pa.string()))
    return {kind: found[kind].cast(schemas.CATALOG[kind]) for kind in schemas.CATALOG}
