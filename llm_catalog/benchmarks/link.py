"""Linking benchmark scores to the catalog's models: every row a source's parser gave (llm_catalog.normalized) is
placed with the same resolver the routes use (llm_catalog.identity), exact matches only.

One fallback, for every source: a name that does not resolve to a catalog model is tried again without its
reasoning-effort suffix (``gpt-5-high`` is gpt-5 run at high effort: the effort is a setting of the model, not another
model; fields.split_effort). The full name always comes first, so ``qwen3.8-max``, a model of the catalog, stays
itself; a row placed by its full name then has no effort where that effort was only the end of the model's name.

The same figure for the same benchmark and model from several sources is published once, by the first source in
PRECEDENCE order, with every source that reported it in ``reported_by`` (sql/benchmarks/merge_duplicates.sql);
different figures all stay.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.identity.resolver import ModelResolver
from llm_catalog.normalized.fields import split_effort
from llm_catalog.paths import SQL_DIR

# in order of precedence: a figure several sources report is published as the first one's row
PRECEDENCE = ("model_cards", "models_dev", "llm_stats", "aider", "artificial_analysis", "lmarena")
# sources that name the exact model argument they ran (a LiteLLM route key); the others name models
ROUTE_SCOPED = frozenset({"aider"})


NO_ROUTE = "no route of the catalog has this base model"


def place(
    name: str, bases: set[str], resolver: ModelResolver, pointers: dict[str, list[str]] | None = None
) -> tuple[str, str | None]:
    """(base model, why not) for a source's model name: the resolver's name when a route has it; else, for a
    models.dev model file, the one base model that the served routes pointing at the file resolve to (curated
    evidence); several different ones is a conflict, never guessed."""
    base, _, _, _ = resolver.resolve_name(name)
    if base in bases:
        return base, None
    served = (pointers or {}).get(name)
    if served:
        found = {b for b in (resolver.resolve_name(s)[0] for s in served) if b in bases}
        if len(found) == 1:
            return found.pop(), None
        if found:
            return base, f"models.dev routes pointing at it resolve to several base models: {sorted(found)}"
    return base, NO_ROUTE


def without_effort(name: str, bases: set[str], resolver: ModelResolver) -> str | None:
    """The base model of ``name`` without its reasoning-effort suffix, when a route has it (else None): the fallback
    for a name that ``place`` found no route for."""
    bare, effort = split_effort(name)
    if effort is None:
        return None
    base, _, _, _ = resolver.resolve_name(bare)
    return base if base in bases else None


def link(
    rows: list[dict], routes: pa.Table, resolver: ModelResolver, pointers: dict[str, dict[str, list[str]]] | None = None
) -> tuple[pa.Table, pa.Table, dict]:
    """Scope each row: to a route when a ROUTE_SCOPED source names an exact route key (aider's --model), else to
    the base model the resolver gives (or its source's ``pointers``, {source: {model: served ids}}, see ``place``),
    when the catalog has it; the rest go to benchmark_unmatched. The same figure from several sources is then kept
    once (merge_duplicates).
    Returns (benchmarks, benchmark_unmatched, match rate per source)."""
    route_rows = routes.select(["route_id", "base_model", "family"]).to_pylist()
    by_route = {r["route_id"]: r for r in route_rows}
    families = {r["base_model"]: r["family"] for r in route_rows}
    matched, unmatched, counts = [], [], {}
    for row in rows:
        name = row["source_model"] or ""
        tally = counts.setdefault(row["source"], [0, 0])
        tally[1] += 1
        if name in by_route and row["source"] in ROUTE_SCOPED:
            route = by_route[name]
            row.update(scope="route", route_id=name, base_model=route["base_model"], family=route["family"])
        else:
            base, reason = place(name, families.keys(), resolver, (pointers or {}).get(row["source"]))
            plain = without_effort(name, families.keys(), resolver) if reason == NO_ROUTE else None
            if plain is not None:
                base, reason = plain, None
            if reason:
                unmatched.append(
                    {
                        "source": row["source"],
                        "source_model": name,
                        "benchmark": row["benchmark"],
                        "score": row["score"],
                        "resolved_name": base,
                        "reason": reason,
                    }
                )
                continue
            row.update(scope="base_model", route_id=None, base_model=base, family=families[base])
            if plain is None and row["reasoning_effort"] and split_effort(name)[1] == row["reasoning_effort"]:
                row["reasoning_effort"] = None  # the catalog's model is named so: the suffix is part of its name
        tally[0] += 1
        matched.append(row)
    rates = {
        source: {"matched": m, "rows": n, "match_rate": round(m / n, 4) if n else None}
        for source, (m, n) in counts.items()
    }
    return (
        merge_duplicates(pa.Table.from_pylist(matched, schema=schemas.BENCHMARKS)),
        pa.Table.from_pylist(unmatched, schema=schemas.BENCHMARK_UNMATCHED),
        rates,
    )


def merge_duplicates(benchmarks: pa.Table) -> pa.Table:
    """One row per figure (benchmark, model, scope, score to 0.1) across sources, naming every source that gave it."""
    con = duckdb.connect()
    con.register("matched", benchmarks)
    con.register("precedence", pa.table({"source": list(PRECEDENCE), "priority": list(range(len(PRECEDENCE)))}))
    merged = con.sql((SQL_DIR / "benchmarks" / "merge_duplicates.sql").read_text()).to_arrow_table()
    return merged.select(schemas.BENCHMARKS.names).cast(schemas.BENCHMARKS)
