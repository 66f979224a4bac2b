"""Checks: Great Expectations suites on every table, whole-source guards, and meaning-level anomalies.

Failing critical expectations and failing guards are blocking: the publish does not run and the current snapshot
stays current. Warnings are published (in `rejects`, severity 'warning') and shown on the checks in the UI.
"""

import json

import dagster as dg
import pyarrow as pa

from llm_catalog.checks import guards
from llm_catalog import schemas
from assets.resources import CatalogSettings, WarehouseResource

VALIDATED = [*schemas.NORMALIZED, "anomalies", *schemas.DERIVED]


def previous_tables(warehouse: WarehouseResource) -> dict[str, pa.Table] | None:
    """The current snapshot's routes and prices: what this sync is compared with."""
    store = warehouse.store()
    current = store.current_id()
    if current is None:
        return None
    return {name: store.read_table(name, current) for name in ("routes", "prices")}


@dg.asset(group_name="checks", kinds={"duckdb"})
def anomalies(context: dg.AssetExecutionContext, warehouse: WarehouseResource, routes: pa.Table,
              prices: pa.Table) -> pa.Table:
    """Warnings from sql/checks/anomalies: 10x price jumps since the previous snapshot, prices 20x off the other routes of
    the same base model, swapped input/output prices, base models that moved. Published in `rejects`."""
    found = guards.anomalies({"routes": routes, "prices": prices}, previous_tables(warehouse))
    rules: dict[str, int] = {}
    for rule in found.column("rule").to_pylist():
        rules[rule] = rules.get(rule, 0) + 1
    context.add_output_metadata({
        "dagster/row_count": found.num_rows,
        "by_rule": dg.MetadataValue.json(rules),
        "examples": dg.MetadataValue.md("\n".join(f"- `{r['route_id']}`: {r['message']}"
                                                  for r in found.to_pylist()[:10]) or "none"),
    })
    return found


def _expectations_result(name: str, table: pa.Table, routes: pa.Table, warehouse: WarehouseResource,
                         run_id: str) -> dg.AssetCheckResult:
    """Run the table's suites, keep the reports for the publish step, and say what failed."""
    # imported here: Great Expectations takes seconds to import, and a sync whose inputs did not change never
    # validates anything
    from llm_catalog.checks.expectations import route_modalities, validate

    route_ids = routes.column("route_id").to_pylist()
    reports = [validate(name, table, route_ids=route_ids)]
    if name == "routes":
        reports.append(validate("route_modalities", route_modalities(routes), route_ids=route_ids))
    reports_dir = warehouse.run_dir(run_id) / "validation"
    reports_dir.mkdir(parents=True, exist_ok=True)
    for report in reports:
        (reports_dir / f"{report.table}.json").write_text(json.dumps(report.to_dict(), default=str))
    errors = [e for r in reports for e in r.errors]
    warnings = [w for r in reports for w in r.warnings]
    return dg.AssetCheckResult(
        asset_key=name,
        check_name="expectations",
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


EXPECTATIONS = "The table's Great Expectations suite (llm_catalog/validation.py); critical failures block the publish."


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec("expectations", asset=name, blocking=True, description=EXPECTATIONS)
           for name in schemas.NORMALIZED],
    ins={name: dg.AssetIn(name) for name in schemas.NORMALIZED},
)
def expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, **tables: pa.Table):
    for name in schemas.NORMALIZED:
        yield _expectations_result(name, tables[name], tables["routes"], warehouse, context.run.run_id)


DERIVED_CHECKED = ["anomalies", *schemas.DERIVED]


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec("expectations", asset=name, blocking=True, description=EXPECTATIONS,
                             additional_deps=["routes"])
           for name in DERIVED_CHECKED],
    ins={name: dg.AssetIn(name) for name in [*DERIVED_CHECKED, "routes"]},
)
def derived_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                         **tables: pa.Table):
    """The suites of the tables computed from the normalized ones (checked after those, so no check cycle)."""
    for name in DERIVED_CHECKED:
        yield _expectations_result(name, tables[name], tables["routes"], warehouse, context.run.run_id)


def _results_table(reports) -> str:
    lines = ["| table | expectation | column | severity | ok | unexpected | examples |", "|---|---|---|---|---|---|---|"]
    for report in reports:
        for r in report.results:
            examples = ", ".join(map(str, r["examples"][:3])).replace("|", "/")
            lines.append(f"| {report.table} | {r['expectation']} | {r['column']} | {r['severity']} | "
                         f"{'yes' if r['success'] else 'NO'} | {r['unexpected_count'] or 0} | {examples} |")
    return "\n".join(lines)


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec("route_count", asset="routes", blocking=True,
                          description="The route count did not fall by more than the allowed share."),
        dg.AssetCheckSpec("price_changes", asset="prices", blocking=True,
                          description="Most prices did not change at once."),
        dg.AssetCheckSpec("reject_share", asset="rejects", blocking=True, additional_deps=["litellm_cost_map"],
                          description="Few enough entries have error-level rejects for the source to be usable."),
    ],
    ins={"routes": dg.AssetIn("routes"), "prices": dg.AssetIn("prices"), "rejects": dg.AssetIn("rejects"),
         "litellm_cost_map": dg.AssetIn("litellm_cost_map")},
)
def source_guards(context: dg.AssetCheckExecutionContext, catalog: CatalogSettings, warehouse: WarehouseResource,
                  routes: pa.Table,
                  prices: pa.Table, rejects: pa.Table, litellm_cost_map: dict):
    previous = previous_tables(warehouse)
    source = f"{litellm_cost_map['source']} ({litellm_cost_map['origin']})"  # every failure names it
    verdicts = {
        "routes": guards.route_count_guard(
            routes.num_rows, previous["routes"].num_rows if previous else None,
            max_drop=catalog.max_route_drop, accept=catalog.accept_drop, source=source),
        "prices": guards.price_change_guard(
            {"routes": routes, "prices": prices}, previous,
            max_share=catalog.max_price_change_share, accept=catalog.accept_drop, source=source),
        "rejects": guards.reject_share_guard(
            rejects, routes.num_rows, source=source, max_share=catalog.max_reject_share),
    }
    for asset, guard in verdicts.items():
        yield dg.AssetCheckResult(asset_key=asset, check_name=guard.name, passed=guard.passed,
                                  severity=dg.AssetCheckSeverity.ERROR, description=guard.description,
                                  metadata=guard.metadata)
