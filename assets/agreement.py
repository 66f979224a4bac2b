"""Checks per pricing source, none blocking: how far each source agrees with the prices the catalog chose (and a
warning when one drifts), and each source's own Great Expectations suite on its normalized tables, before
reconciliation. A source the sync skipped gets passing checks that say so."""

import dagster as dg
import pyarrow as pa

from assets.normalized import pricing_inputs, source_tables
from assets.resources import WarehouseResource
from llm_catalog.checks import agreement
from llm_catalog.checks.guards import Guard
from llm_catalog.normalized.pricing import is_skipped
from llm_catalog.readers.snapshot import current_snapshot
from llm_catalog.registry import PRICING

_PAYLOADS = {source.asset: dg.AssetIn(source.asset) for source in PRICING}  # each pricing source's payload


def previous_agreement(warehouse: WarehouseResource) -> tuple[dict[str, agreement.SourceAgreement], str | None]:
    """Each source's agreement in the current snapshot (what this sync is compared with), and that snapshot's id."""
    bound = current_snapshot(warehouse.store())
    if bound is None:
        return {}, None
    return agreement.source_agreement(bound.read_tables(agreement.AGREEMENT_TABLES)), bound.snapshot_id


def agreement_result(guard: Guard, found: agreement.SourceAgreement | None) -> dg.AssetCheckResult:
    metadata = dict(guard.metadata)
    if "chosen_instead" in metadata:
        metadata["chosen_instead"] = dg.MetadataValue.json(metadata["chosen_instead"])
    if found is not None:
        metadata["providers"] = dg.MetadataValue.md(agreement.providers_table(found))
        metadata["examples"] = dg.MetadataValue.md(agreement.examples_table(found))
    return dg.AssetCheckResult(
        asset_key="prices",
        check_name=guard.name,
        passed=guard.passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=guard.description[:2000],
        metadata=metadata,
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            f"agreement_{source.name}",
            asset="prices",
            blocking=False,
            additional_deps=[*(name for name in agreement.AGREEMENT_TABLES if name != "prices"), source.asset],
            description=f"How many of the routes {source.name} prices disagree with the chosen price, per provider; "
            "warns when the share of its contested routes rose by more than "
            f"{agreement.MAX_CONTESTED_SHARE_RISE:.0%} since the previous snapshot.",
        )
        for source in PRICING
    ],
    ins={name: dg.AssetIn(name) for name in agreement.AGREEMENT_TABLES} | _PAYLOADS,
)
def agreement_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, **inputs):
    """sql/checks/agreement over this sync's reconciled tables and the current snapshot's: each pricing source's
    share of routes that disagree with the chosen price, a warning when it drifts."""
    found = agreement.source_agreement({name: inputs[name] for name in agreement.AGREEMENT_TABLES})
    previous, since = previous_agreement(warehouse)
    for source in PRICING:
        payload, mine = inputs[source.asset], found.get(source.name)
        if is_skipped(payload):
            yield agreement_result(agreement.skipped_guard(source.name, payload.get("note")), None)
        else:
            guard = agreement.agreement_guard(source.name, mine, previous.get(source.name), since=since)
            yield agreement_result(guard, mine)


def _suite_spec(source) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        "source_suite",
        asset=dg.AssetKey(source_tables(source, "prices")),
        blocking=False,
        additional_deps=[dg.AssetKey(source_tables(source, "routes")), source.asset],
        description=f"{source.name}'s own routes and prices against a light Great Expectations suite "
        "(llm_catalog/checks/source_suites.py), before reconciliation: its broken values named even when not chosen.",
    )


def _suite_result(source, reports) -> dg.AssetCheckResult:
    failed = [r for report in reports for r in report.results if not r["success"]]
    critical = [r for report in reports for r in report.errors]
    summary = "; ".join(report.summary() for report in reports)
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(source_tables(source, "prices")),
        check_name="source_suite",
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{source.name}: {summary}"[:2000],
        metadata={
            "expectations": sum(len(report.results) for report in reports),
            "failed": len(failed),
            "critical": len(critical),
            "rows": dg.MetadataValue.json({report.table: report.rows for report in reports}),
        },
    )


@dg.multi_asset_check(
    specs=[_suite_spec(source) for source in PRICING],
    ins=pricing_inputs("routes", "prices"),
)
def source_suites(context: dg.AssetCheckExecutionContext, **inputs: pa.Table):
    """Each pricing source's routes and prices against its light suite, one GX context per source; a skipped
    source's check passes and says so."""
    # imported here: Great Expectations takes seconds to import (see assets/checks.py)
    from llm_catalog.checks.source_suites import validate_source

    for source in PRICING:
        payload = inputs[source.asset]
        if is_skipped(payload):
            yield dg.AssetCheckResult(
                asset_key=dg.AssetKey(source_tables(source, "prices")),
                check_name="source_suite",
                passed=True,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"{source.name}: skipped in this sync ({payload.get('note') or 'no reason given'})",
            )
            continue
        reports = validate_source(source.name, inputs[f"{source.name}__routes"], inputs[f"{source.name}__prices"])
        yield _suite_result(source, reports)
