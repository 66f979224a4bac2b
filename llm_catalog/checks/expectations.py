"""Great Expectations suites for every published table, in one place, and the function that runs them.

Severity: ``critical`` expectations guard the contract (keys, types, ranges, vocabularies): one failing blocks the
publish. ``warning`` expectations flag what a reader should look at (coverage, new fields, odd limits) and publish.
Each validation runs in a fresh ephemeral GX context, so runs never share state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import great_expectations as gx
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from llm_catalog.normalized.litellm.vocabulary import (
    MAX_PRICE_USD,
    MAX_TOKENS_LIMIT,
    MODE_MODALITIES,
    OUTPUT_VOCABULARY,
    ROUTE_ID,
)
from llm_catalog.normalized.price_fields import PRICE_UNITS, STANDARD_TIER, TIERS

E = gx.expectations
CRITICAL, WARNING = "critical", "warning"

KNOWN_MODES = sorted(set(MODE_MODALITIES) | {"evaluation", "decisions", "extraction", "guardrail", "vector_store"})
KNOWN_TIERS = sorted(set(TIERS.values()) | {STANDARD_TIER, "off_peak"})
# MAX_TOKENS_LIMIT, MAX_PRICE_USD: the normalizer rejects a field past them (per field); here they are a backstop


def _not_null(*columns: str, severity: str = CRITICAL, mostly: float = 1.0) -> list:
    return [E.ExpectColumnValuesToNotBeNull(column=c, severity=severity, mostly=mostly) for c in columns]


ROUTE_ID_COLUMNS = ("route_id", "other_route_id")
ROUTE_ID_REGEX = r"^" + ROUTE_ID.pattern + r"\Z"  # the normalizer's pattern, as a full match


def _in_routes(column: str = "route_id") -> list:
    """Every id in ``column`` is a route of the catalog. ``validate`` adds ``unknown_<column>``: the id where it is
    not one, else null. (Not an in-set expectation over the ~5,000 ids: GX copies an expectation's configuration
    thousands of times per validation, and that literal set made validation most of a sync's time.)"""
    return [E.ExpectColumnValuesToBeNull(column=f"unknown_{column}", severity=CRITICAL)]


def _with_unknown_route_ids(table: pa.Table, route_ids: list[str]) -> pa.Table:
    known = pa.array(route_ids, pa.string())
    for column in ROUTE_ID_COLUMNS:
        if column in table.column_names:
            values = table.column(column)
            unknown = pc.if_else(pc.is_in(values, value_set=known), pa.scalar(None, pa.string()), values)
            table = table.append_column(f"unknown_{column}", unknown)
    return table


def routes_suite() -> list:
    return [
        *_not_null("route_id", "provider", "model", "base_model", "resolved_by"),
        E.ExpectColumnValuesToBeUnique(column="route_id", severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="route_id", regex=ROUTE_ID_REGEX, severity=CRITICAL),
        # \Z, not $: `$` also matches before a trailing newline ("openai\n")
        E.ExpectColumnValuesToMatchRegex(column="provider", regex=r"^[A-Za-z0-9_.\-]+\Z", severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="resolved_by", value_set=["alias", "rules"], severity=CRITICAL),
        E.ExpectColumnValuesToMatchStrftimeFormat(
            column="deprecation_date", strftime_format="%Y-%m-%d", severity=CRITICAL
        ),
        E.ExpectColumnValuesToBeInSet(column="mode", value_set=KNOWN_MODES, severity=WARNING),
        E.ExpectColumnValuesToMatchRegex(column="source_url", regex=r"^https?://", severity=WARNING),
        # how much of the catalog the resolver places in a family (benchmarks and "same family" depend on it)
        *_not_null("family", severity=WARNING, mostly=0.8),
        *_not_null("provider_name"),
    ]


def route_modalities_suite() -> list:
    return [
        *_not_null("route_id", "direction", "modality"),
        E.ExpectColumnValuesToBeInSet(column="direction", value_set=["input", "output"], severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="modality", value_set=sorted(OUTPUT_VOCABULARY), severity=WARNING),
        *_in_routes(),
    ]


def prices_suite() -> list:
    return [
        *_not_null("route_id", "price_kind", "tier", "unit", "usd", "source_field"),  # NaN counts as null
        E.ExpectCompoundColumnsToBeUnique(
            column_list=["route_id", "price_kind", "tier", "condition", "unit"], severity=CRITICAL
        ),
        E.ExpectColumnValuesToBeBetween(column="usd", min_value=0, max_value=MAX_PRICE_USD, severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="unit", value_set=sorted(PRICE_UNITS), severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="tier", value_set=KNOWN_TIERS, severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="price_kind", regex=r"^[a-z][a-z0-9_]*\Z", severity=CRITICAL),
        *_in_routes(),
    ]


def limits_suite() -> list:
    limit_columns = ("context_window", "max_input_tokens", "max_output_tokens", "max_tokens")
    return [
        *_not_null("route_id"),
        E.ExpectColumnValuesToBeUnique(column="route_id", severity=CRITICAL),
        *[
            E.ExpectColumnValuesToBeBetween(column=c, min_value=1, max_value=MAX_TOKENS_LIMIT, severity=CRITICAL)
            for c in limit_columns
        ],
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="context_window",
            column_B="max_input_tokens",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=CRITICAL,
        ),
        # an output cap above the whole window is possible only where the map mixes up its fields
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="context_window",
            column_B="max_output_tokens",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=WARNING,
        ),
        *_not_null("context_window", severity=WARNING, mostly=0.7),
        *_in_routes(),
    ]


def capabilities_suite() -> list:
    return [
        *_not_null("route_id", "capability"),
        E.ExpectCompoundColumnsToBeUnique(column_list=["route_id", "capability"], severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="capability", regex=r"^[a-z0-9_]+\Z", severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="supported", value_set=[True, False], severity=CRITICAL),
        *_in_routes(),
    ]


def extra_fields_suite() -> list:
    return [
        *_not_null("route_id", "field", "value_json", "known"),
        E.ExpectColumnValuesToBeJsonParseable(column="value_json", severity=CRITICAL),
        E.ExpectCompoundColumnsToBeUnique(column_list=["route_id", "field"], severity=CRITICAL),
        # fields nobody has seen before: published, and shown here so a person looks at them
        E.ExpectColumnValuesToBeInSet(column="known", value_set=[True], severity=WARNING),
        *_in_routes(),
    ]


def rejects_suite() -> list:
    return [
        *_not_null("route_id", "rule", "message", "severity"),
        E.ExpectColumnValuesToBeInSet(column="severity", value_set=["error", "warning", "info"], severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="rule", regex=r"^[a-z][a-z0-9_]*\Z", severity=CRITICAL),
        E.ExpectColumnValuesToBeJsonParseable(column="value", severity=CRITICAL),
    ]


def similar_models_suite() -> list:
    return [
        *_not_null(
            "route_id",
            "lens",
            "rank",
            "other_route_id",
            "score",
            "cost_score",
            "modality_score",
            "capability_score",
            "context_score",
        ),
        E.ExpectCompoundColumnsToBeUnique(column_list=["route_id", "lens", "rank"], severity=CRITICAL),
        E.ExpectCompoundColumnsToBeUnique(column_list=["route_id", "lens", "other_route_id"], severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(
            column="lens", value_set=["overall", "cost", "modality", "capabilities", "context"], severity=CRITICAL
        ),
        E.ExpectColumnValuesToBeBetween(column="rank", min_value=1, severity=CRITICAL),
        *[
            E.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=CRITICAL)
            for c in ("score", "cost_score", "modality_score", "capability_score", "context_score")
        ],
        *_in_routes(),
        *_in_routes("other_route_id"),
    ]


def alternatives_suite() -> list:
    return [
        *_not_null("route_id", "rank", "other_route_id", "other_provider", "price_basis"),
        E.ExpectCompoundColumnsToBeUnique(column_list=["route_id", "rank"], severity=CRITICAL),
        E.ExpectCompoundColumnsToBeUnique(column_list=["route_id", "other_route_id"], severity=CRITICAL),
        E.ExpectColumnValuesToBeBetween(column="rank", min_value=1, severity=CRITICAL),
        E.ExpectColumnValuesToBeBetween(column="other_unit_price", min_value=0, severity=CRITICAL),
        E.ExpectColumnValuesToBeBetween(column="price_ratio", min_value=0, severity=CRITICAL),
        *_in_routes(),
        *_in_routes("other_route_id"),
    ]


def benchmarks_suite() -> list:
    return [
        *_not_null(
            "benchmark",
            "benchmark_name",
            "unit",
            "score",
            "source_model",
            "base_model",
            "scope",
            "evaluator",
            "source",
            "source_url",
            "attribution",
        ),
        E.ExpectColumnValuesToBeInSet(
            column="unit", value_set=["percent", "fraction", "elo", "index", "score"], severity=CRITICAL
        ),
        E.ExpectColumnValuesToBeInSet(column="scope", value_set=["base_model", "route"], severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(
            column="evaluator", value_set=["self_reported", "third_party"], severity=CRITICAL
        ),
        E.ExpectColumnValuesToBeInSet(
            column="source",
            value_set=["model_cards", "models_dev", "llm_stats", "aider", "artificial_analysis"],
            severity=CRITICAL,
        ),
        E.ExpectColumnValuesToMatchRegex(column="source_url", regex=r"^(?:https?://|/)", severity=CRITICAL),
        *_in_routes(),
        E.ExpectColumnValuesToMatchStrftimeFormat(column="checked", strftime_format="%Y-%m-%d", severity=CRITICAL),
        E.ExpectColumnValuesToMatchStrftimeFormat(column="measured", strftime_format="%Y-%m-%d", severity=CRITICAL),
    ]


def models_suite() -> list:
    return [
        *_not_null("base_model", "routes"),
        E.ExpectColumnValuesToBeUnique(column="base_model", severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="base_model", regex=r"^\S+$", severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(
            column="release_date", regex=r"^\d{4}-[01]\d(?:-[0-3]\d)?$", severity=CRITICAL
        ),
        E.ExpectColumnValuesToMatchRegex(
            column="knowledge_cutoff", regex=r"^\d{4}-[01]\d(?:-[0-3]\d)?$", severity=CRITICAL
        ),
        E.ExpectColumnValuesToBeBetween(column="parameter_count", min_value=1, severity=CRITICAL),
        E.ExpectColumnValuesToBeBetween(column="routes", min_value=1, severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="docs_url", regex=r"^https?://", severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="weights_url", regex=r"^https?://", severity=CRITICAL),
        # coverage a reader should look at: how many base models any source names
        *_not_null("display_name", severity=WARNING, mostly=0.3),
    ]


def benchmark_unmatched_suite() -> list:
    return [*_not_null("source", "source_model", "benchmark", "reason")]


def _runs(key_columns: list[str]) -> list:
    """A history table: valid_from set, runs that end do not end before they start, one run per start."""
    return [
        *_not_null(*key_columns, "valid_from"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="valid_to",
            column_B="valid_from",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=CRITICAL,
        ),
        E.ExpectCompoundColumnsToBeUnique(column_list=[*key_columns, "valid_from"], severity=CRITICAL),
    ]


def changes_suite() -> list:
    return [
        *_not_null("snapshot_id", "previous_snapshot_id", "as_of", "route_id", "change"),
        E.ExpectColumnValuesToBeInSet(
            column="change",
            value_set=["added", "removed", "price", "limit", "capability", "modality", "metadata"],
            severity=CRITICAL,
        ),
        E.ExpectColumnValuesToBeBetween(column="relative_change", min_value=-1, severity=CRITICAL),
        E.ExpectColumnValuesToMatchStrftimeFormat(column="as_of", strftime_format="%Y-%m-%d", severity=CRITICAL),
    ]


def price_history_suite() -> list:
    return [
        *_runs(["route_id", "price_kind", "tier", "condition", "unit"]),
        E.ExpectColumnValuesToBeBetween(column="usd", min_value=0, max_value=MAX_PRICE_USD, severity=CRITICAL),
    ]


def limit_history_suite() -> list:
    return [
        *_runs(["route_id", "limit_name"]),
        E.ExpectColumnValuesToBeBetween(column="value", min_value=1, max_value=MAX_TOKENS_LIMIT, severity=CRITICAL),
    ]


def capability_history_suite() -> list:
    return [
        *_runs(["route_id", "capability"]),
        E.ExpectColumnValuesToBeInSet(column="supported", value_set=[True, False], severity=CRITICAL),
    ]


SUITES = {
    "routes": routes_suite,
    "route_modalities": route_modalities_suite,
    "prices": prices_suite,
    "limits": limits_suite,
    "capabilities": capabilities_suite,
    "extra_fields": extra_fields_suite,
    "rejects": rejects_suite,
    "anomalies": rejects_suite,
    "similar_models": similar_models_suite,
    "alternatives": alternatives_suite,
    "benchmarks": benchmarks_suite,
    "benchmark_unmatched": benchmark_unmatched_suite,
    "models": models_suite,
    "changes": changes_suite,
    "price_history": price_history_suite,
    "limit_history": limit_history_suite,
    "capability_history": capability_history_suite,
}


def route_modalities(routes: pa.Table) -> pa.Table:
    """routes' list columns, one row per (route, direction, modality): the shape GX checks value by value."""
    rows = [
        {"route_id": r["route_id"], "direction": direction, "modality": m}
        for r in routes.select(["route_id", "input_modalities", "output_modalities"]).to_pylist()
        for direction, column in (("input", "input_modalities"), ("output", "output_modalities"))
        for m in r[column] or []
    ]
    return pa.Table.from_pylist(
        rows, schema=pa.schema([("route_id", pa.string()), ("direction", pa.string()), ("modality", pa.string())])
    )


def _frame(name: str, table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas(integer_object_nulls=True)  # nullable ints stay ints, not float64
    if name == "routes":
        frame = frame.drop(columns=["input_modalities", "output_modalities"])
    if name == "price_history":
        frame["condition"] = frame["condition"].fillna("")
    for column in ("deprecation_date", "measured", "checked", "as_of"):  # dates as text, to check they print as dates
        if column in frame.columns:
            frame[column] = frame[column].map(lambda d: d.isoformat() if d is not None and d == d else None)
    if name == "prices":
        frame["condition"] = frame["condition"].fillna("")  # null is "no condition", one value for uniqueness
    if name == "capabilities":
        frame["supported"] = frame["supported"].astype(object)
    if name == "models":
        frame = frame.drop(columns=["provenance", "attribution"])  # a map and a list: not compared value by value
    if name == "benchmarks":
        frame = frame.drop(columns=["reported_by"])
    if name in ("similar_models", "alternatives"):  # lists are not compared value by value
        frame = frame.drop(columns=[c for c in frame.columns if c == "reasons" or c.startswith("capabilities_")])
    return frame


@dataclass
class ValidationReport:
    table: str
    rows: int
    results: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[dict]:
        return [r for r in self.results if not r["success"] and r["severity"] == CRITICAL]

    @property
    def warnings(self) -> list[dict]:
        return [r for r in self.results if not r["success"] and r["severity"] != CRITICAL]

    @property
    def success(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "table": self.table,
            "rows": self.rows,
            "success": self.success,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "results": self.results,
        }

    def summary(self) -> str:
        failed = self.errors + self.warnings
        if not failed:
            return f"{self.table}: {len(self.results)} expectations met on {self.rows} rows"
        return f"{self.table}: " + "; ".join(
            f"{r['severity']} {r['expectation']}({r['column']}): {r['unexpected_count']} unexpected, e.g. "
            f"{r['examples'][:3]}"
            for r in failed
        )


def _plain(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def validate(name: str, table: pa.Table, *, route_ids: list[str]) -> ValidationReport:
    """Run the table's suite in a fresh ephemeral GX context."""
    # a fresh in-memory context per validation: no docs site on disk, no progress bars on the terminal
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    batch_definition = (
        context.data_sources.add_pandas(f"{name}_source")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe(f"{name}_batch")
    )
    suite = gx.ExpectationSuite(name=f"{name}_suite")
    for expectation in SUITES[name]():
        suite.add_expectation(expectation)
    frame = _frame(name, _with_unknown_route_ids(table, route_ids))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    outcome = batch.validate(
        suite,
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
    )
    report = ValidationReport(name, table.num_rows)
    for result in outcome.results:
        config = result.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or kwargs.get("column_list") or [kwargs.get("column_A"), kwargs.get("column_B")]
        details = result.result or {}
        report.results.append(
            {
                "expectation": config.type,
                "column": column if isinstance(column, str) else ",".join(map(str, column)),
                "severity": str(getattr(config.severity, "value", config.severity) or CRITICAL).lower(),
                "success": bool(result.success),
                "unexpected_count": details.get("unexpected_count"),
                "unexpected_percent": details.get("unexpected_percent"),
                "examples": [_plain(v) for v in details.get("partial_unexpected_list") or []][:5],
                "exception": (result.exception_info or {}).get("exception_message")
                if isinstance(result.exception_info, dict) and result.exception_info.get("raised_exception")
                else None,
            }
        )
    return report
