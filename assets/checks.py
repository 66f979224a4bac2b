"""Checks: Great Expectations suites on every table, whole-source guards, and meaning-level anomalies.

Each table's suite runs once, in a validation asset whose output is the reports (handed to the publish through the
IO manager) and whose blocking checks, one per table, fail the run on a critical failure: the publish does not run
and the current snapshot stays current. Failing guards block too. Warnings are published (in `rejects`, severity
'warning') and shown on the checks in the UI.
"""

import dagster as dg
import pyarrow as pa

from assets.normalized import pricing_inputs, source_tables
from assets.resources import CatalogSettings, WarehouseResource
from llm_catalog import schemas
from llm_catalog.checks import guards
from llm_catalog.normalized.pricing import is_skipped
from llm_catalog.readers.snapshot import current_snapshot
from llm_catalog.registry import PRICING
from llm_catalog.sources.source import route_limit

ANOMALY_SOURCE = "checks"  # what `rejects` names as the source of the catalog's own warnings
PAYLOADS = [source.asset for source in PRICING]  # what the catalog was made of
VALIDATED = [*schemas.CATALOG, *schemas.RECONCILIATION, "anomalies", "model_rejects", *schemas.DERIVED]


def previous_tables(warehouse: WarehouseResource) -> dict[str, pa.Table] | None:
    """The current snapshot's routes and prices: what this sync is compared with."""
    bound = current_snapshot(warehouse.store())
    return bound.read_tables(("routes", "prices")) if bound else None


@dg.asset(group_name="checks", kinds={"duckdb"})
def anomalies(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, routes: pa.Table, prices: pa.Table
) -> pa.Table:
    """Warnings from sql/checks/anomalies: 10x price jumps since the previous snapshot, prices 20x off the other
    routes of the same base model, swapped input/output prices, base models that moved. Published in `rejects`."""
    found = guards.anomalies({"routes": routes, "prices": prices}, previous_tables(warehouse))
    found = found.append_column("source", pa.array([ANOMALY_SOURCE] * found.num_rows, pa.string()))
    found = found.cast(schemas.CATALOG_REJECTS)
    rules: dict[str, int] = {}
    for rule in found.column("rule").to_pylist():
        rules[rule] = rules.get(rule, 0) + 1
    context.add_output_metadata(
        {
            "dagster/row_count": found.num_rows,
            "by_rule": dg.MetadataValue.json(rules),
            "examples": dg.MetadataValue.md(
                "\n".join(f"- `{r['route_id']}`: {r['message']}" for r in found.to_pylist()[:10]) or "none"
            ),
        }
    )
    return found


def expectation_specs(asset: str, names) -> list[dg.AssetCheckSpec]:
    """One blocking check per table on a validation asset, named after the table."""
    return [
        dg.AssetCheckSpec(
            name,
            asset=asset,
            blocking=True,
            description=f"{name}'s Great Expectations suite (llm_catalog/checks/suites.py); "
            "a critical failure blocks the publish.",
        )
        for name in names
    ]


def run_suites(names, tables: dict[str, pa.Table], routes: pa.Table) -> dict[str, list]:
    """Each table's suite, run once: {table: its reports} (routes' with route_modalities', its list columns)."""
    # imported here: Great Expectations takes seconds to import, and a sync whose inputs did not change never
    # validates anything
    from llm_catalog.checks.expectations import route_modalities, validate

    route_ids = routes.column("route_id").to_pylist()
    found = {name: [validate(name, tables[name], route_ids=route_ids)] for name in names}
    if "routes" in found:
        found["routes"].append(validate("route_modalities", route_modalities(routes), route_ids=route_ids))
    return found


def validation_outcome(asset: str, found: dict[str, list]):
    """The validation asset's output (every report as a dict, by table) and its check per table."""
    reports = {report.table: report.to_dict() for table_reports in found.values() for report in table_reports}
    yield dg.Output(
        reports,
        metadata={
            "tables": len(reports),
            "failed": dg.MetadataValue.json(sorted(t for t, r in reports.items() if not r["success"])),
        },
    )
    for name, table_reports in found.items():
        yield _expectations_result(asset, name, table_reports)


def _expectations_result(asset: str, name: str, reports: list) -> dg.AssetCheckResult:
    errors = [e for r in reports for e in r.errors]
    warnings = [w for r in reports for w in r.warnings]
    return dg.AssetCheckResult(
        asset_key=asset,
        check_name=name,
        passed=not errors and not warnings,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
        description="; ".join(r.summary() for r in reports)[:2000],
        metadata={
            "expectations": sum(len(r.results) for r in reports),
            "errors": len(errors),
            "warnings": len(warnings),
            "results": dg.MetadataValue.md(_results_table(reports)),
        },
    )


def _results_table(reports) -> str:
    lines = [
        "| table | expectation | column | severity | ok | unexpected | examples |",
        "|---|---|---|---|---|---|---|",
    ]
    for report in reports:
        for r in report.results:
            examples = ", ".join(map(str, r["examples"][:3])).replace("|", "/")
            lines.append(
                f"| {report.table} | {r['expectation']} | {r['column']} | {r['severity']} | "
                f"{'yes' if r['success'] else 'NO'} | {r['unexpected_count'] or 0} | {examples} |"
            )
    return "\n".join(lines)


@dg.asset(
    group_name="checks",
    ins={name: dg.AssetIn(name) for name in VALIDATED},
    check_specs=expectation_specs("validation", VALIDATED),
    kinds={"great_expectations"},
)
def validation(context: dg.AssetExecutionContext, **tables: pa.Table):
    """The Great Expectations reports of every table the snapshot publishes but the history tables (validated in
    their own group), by table; the publish keeps them beside the snapshot. One check per table, named after it."""
    yield from validation_outcome("validation", run_suites(VALIDATED, tables, tables["routes"]))


def _reject_share_spec(source) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        "reject_share",
        asset=dg.AssetKey(source_tables(source, "rejects")),
        blocking=True,
        additional_deps=[source.asset, dg.AssetKey(source_tables(source, "routes"))],
        description=f"Few enough of {source.name}'s entries are broken (left out, or with a field error) for the "
        "source to be usable.",
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            "route_count",
            asset="routes",
            blocking=True,
            additional_deps=PAYLOADS,
            description="The route count did not fall by more than the allowed share.",
        ),
        dg.AssetCheckSpec(
            "price_changes",
            asset="prices",
            blocking=True,
            additional_deps=PAYLOADS,
            description="Most prices did not change at once.",
        ),
    ],
    ins={
        "routes": dg.AssetIn("routes"),
        "prices": dg.AssetIn("prices"),
        **{source.asset: dg.AssetIn(source.asset) for source in PRICING},
    },
)
def catalog_guards(
    context: dg.AssetCheckExecutionContext,
    catalog: CatalogSettings,
    warehouse: WarehouseResource,
    routes: pa.Table,
    prices: pa.Table,
    **payloads: dict,
):
    """Whole-catalog guards: the route count did not fall, most prices did not change at once. The failure names
    every pricing source the catalog was made of."""
    previous = previous_tables(warehouse)
    sources = ", ".join(f"{p['source']} ({p['origin']})" for p in payloads.values() if not is_skipped(p))
    yield _result(
        "routes",
        guards.route_count_guard(
            routes.num_rows,
            previous["routes"].num_rows if previous else None,
            max_drop=catalog.max_route_drop,
            accept=catalog.accept_drop,
            source=sources,
        ),
    )
    yield _result(
        "prices",
        guards.price_change_guard(
            {"routes": routes, "prices": prices},
            previous,
            max_share=catalog.max_price_change_share,
            accept=catalog.accept_drop,
            source=sources,
        ),
    )


def _route_count_spec(source) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        "route_count",
        asset=dg.AssetKey(source_tables(source, "routes")),
        blocking=True,
        additional_deps=[source.asset],
        description=f"{source.name} lists about as many routes as the catalog last had from it.",
    )


@dg.multi_asset_check(
    specs=[spec for source in PRICING for spec in (_reject_share_spec(source), _route_count_spec(source))],
    ins=pricing_inputs("routes", "rejects"),
)
def source_guards(
    context: dg.AssetCheckExecutionContext, catalog: CatalogSettings, warehouse: WarehouseResource, **inputs
):
    """Each pricing source on its own, before reconciliation: its reject share, and its route count against the
    routes the current snapshot had from it. A broken source stops the sync, its failure naming the source (and the
    entries and fields); a skipped one passes, said so."""
    previous = previous_tables(warehouse)
    listed_before = guards.routes_by_source(previous["routes"] if previous else None)
    listed = {
        f"{inputs[s.asset]['source']} ({inputs[s.asset]['origin']})": inputs[f"{s.name}__routes"].num_rows
        for s in PRICING
    }
    # too many routes together: the biggest source's route count check says so, and nothing downstream runs
    over_limit = guards.route_limit_guard(listed, route_limit(catalog.max_routes))
    biggest = max(PRICING, key=lambda s: inputs[f"{s.name}__routes"].num_rows)
    for source in PRICING:
        payload, routes = inputs[source.asset], inputs[f"{source.name}__routes"]
        name = f"{payload['source']} ({payload['origin']})"
        if is_skipped(payload):
            skipped = f"source {name}: skipped ({payload.get('note')})"
            checks = (guards.Guard("reject_share", True, skipped, {}), guards.Guard("route_count", True, skipped, {}))
        else:
            checks = (
                guards.reject_share_guard(
                    inputs[f"{source.name}__rejects"], routes.num_rows, source=name, max_share=catalog.max_reject_share
                ),
                over_limit
                if over_limit and source is biggest
                else guards.route_count_guard(
                    routes.num_rows,
                    listed_before.get(source.name),
                    max_drop=catalog.max_route_drop,
                    accept=catalog.accept_drop,
                    source=name,
                ),
            )
        for table, guard in zip(("rejects", "routes"), checks, strict=True):
            yield _result(dg.AssetKey(source_tables(source, table)), guard)


def _result(asset, guard: guards.Guard) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=asset,
        check_name=guard.name,
        passed=guard.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=guard.description,
        metadata=guard.metadata,
    )
