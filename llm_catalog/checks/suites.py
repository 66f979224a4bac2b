"""Great Expectations suites for every published table, in one place (llm_catalog.checks.expectations runs them).

Severity: ``critical`` expectations guard the contract (keys, types, ranges, vocabularies): one failing blocks the
publish. ``warning`` expectations flag what a reader should look at (coverage, new fields, odd limits) and publish.
Each validation runs in a fresh ephemeral GX context, so runs never share state.
"""

from __future__ import annotations

import great_expectations as gx

from llm_catalog.benchmarks.link import PRECEDENCE
from llm_catalog.normalized.litellm.vocabulary import (
    MAX_PRICE_USD,
    MAX_TOKENS_LIMIT,
    MODE_MODALITIES,
    OUTPUT_VOCABULARY,
    ROUTE_ID,
)
from llm_catalog.normalized.price_fields import PRICE_UNITS, STANDARD_TIER, TIERS
from llm_catalog.text import hidden_class

E = gx.expectations
CRITICAL, WARNING = "critical", "warning"

KNOWN_MODES = sorted(set(MODE_MODALITIES) | {"evaluation", "decisions", "extraction", "guardrail", "vector_store"})
KNOWN_TIERS = sorted(set(TIERS.values()) | {STANDARD_TIER, "off_peak", "fast"})  # fast: models.dev's fast mode
# MAX_TOKENS_LIMIT, PRICE_BOUNDS (MAX_PRICE_USD is the loosest of them): the normalizer rejects a field past them
# (per field); here they are a backstop


def _not_null(*columns: str, severity: str = CRITICAL, mostly: float = 1.0) -> list:
    return [E.ExpectColumnValuesToNotBeNull(column=c, severity=severity, mostly=mostly) for c in columns]


ROUTE_ID_COLUMNS = ("route_id", "other_route_id")
ROUTE_ID_REGEX = r"^" + ROUTE_ID.pattern + r"\Z"  # the normalizer's pattern, as a full match
# text shown as it is (a name, a mode): no hidden code point, as the normalizers reject (llm_catalog.text)
SHOWN_TEXT_REGEX = rf"^[^{hidden_class()}]*\Z"
# a source's link a page may show (llm_catalog.text.web_link, the normalizers' rule): absolute http(s), a host, no
# backslash, whitespace or hidden code point
WEB_LINK_REGEX = rf"^https?://[^\s\\/?#{hidden_class()}]+(?:[/?#][^\s\\{hidden_class()}]*)?\Z"


def _in_routes(column: str = "route_id") -> list:
    """Every id in ``column`` is a route of the catalog. ``expectations.validate`` adds ``unknown_<column>``: the id
    where it is not one, else null. (Not an in-set expectation over the ~5,000 ids: GX copies an expectation's
    configuration thousands of times per validation, and that literal set made validation most of a sync's time.)"""
    return [E.ExpectColumnValuesToBeNull(column=f"unknown_{column}", severity=CRITICAL)]


def routes_suite() -> list:
    return [
        *_not_null("route_id", "provider", "model", "base_model", "resolved_by"),
        E.ExpectColumnValuesToBeBetween(column="source_count", min_value=1, severity=CRITICAL),  # who lists it
        E.ExpectColumnValuesToBeUnique(column="route_id", severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="route_id", regex=ROUTE_ID_REGEX, severity=CRITICAL),
        # \Z, not $: `$` also matches before a trailing newline ("openai\n")
        E.ExpectColumnValuesToMatchRegex(column="provider", regex=r"^[A-Za-z0-9_.\-]+\Z", severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="resolved_by", value_set=["alias", "rules"], severity=CRITICAL),
        E.ExpectColumnValuesToMatchStrftimeFormat(
            column="deprecation_date", strftime_format="%Y-%m-%d", severity=CRITICAL
        ),
        E.ExpectColumnValuesToBeInSet(column="mode", value_set=KNOWN_MODES, severity=WARNING),
        E.ExpectColumnValuesToMatchRegex(column="source_url", regex=WEB_LINK_REGEX, severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="provider_name", regex=SHOWN_TEXT_REGEX, severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="mode", regex=SHOWN_TEXT_REGEX, severity=CRITICAL),
        # how much of the catalog the resolver places in a family (benchmarks and "same family" depend on it)
        *_not_null("family", severity=WARNING, mostly=0.8),
        *_not_null("provider_name"),
    ]


def route_modalities_suite() -> list:
    return [
        *_not_null("route_id", "direction", "modality"),
        E.ExpectColumnValuesToBeInSet(column="direction", value_set=["input", "output"], severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="modality", value_set=sorted(OUTPUT_VOCABULARY), severity=WARNING),
        E.ExpectColumnValuesToMatchRegex(column="modality", regex=SHOWN_TEXT_REGEX, severity=CRITICAL),
        *_in_routes(),
    ]


def prices_suite() -> list:
    return [
        *_not_null("route_id", "price_kind", "tier", "unit", "usd", "source_field"),  # NaN counts as null
        E.ExpectCompoundColumnsToBeUnique(
            column_list=["route_id", "price_kind", "tier", "condition", "unit"], severity=CRITICAL
        ),
        E.ExpectColumnValuesToBeBetween(column="usd", min_value=0, max_value=MAX_PRICE_USD, severity=CRITICAL),
        _within_unit_bound(),
        *_not_null("source", "rule"),  # provenance: see reconciliation_suites
        E.ExpectColumnValuesToBeInSet(column="provenance_consistent", value_set=[True], severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="unit", value_set=sorted(PRICE_UNITS), severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="tier", value_set=KNOWN_TIERS, severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="price_kind", regex=r"^[a-z][a-z0-9_]*\Z", severity=CRITICAL),
        *_in_routes(),
    ]


def _within_unit_bound():
    """``expectations.validate`` adds ``usd_past_unit_bound``: the price where it is above its unit's bound."""
    return E.ExpectColumnValuesToBeNull(column="usd_past_unit_bound", severity=CRITICAL)


def limits_suite() -> list:
    # positive: a zero the map states on purpose (omni-moderation's output) is published as null, "not applicable"
    limit_columns = ("context_window", "max_input_tokens", "max_output_tokens", "max_tokens")
    return [
        *_not_null("route_id"),
        E.ExpectColumnValuesToBeUnique(column="route_id", severity=CRITICAL),
        *[
            E.ExpectColumnValuesToBeBetween(column=c, min_value=1, max_value=MAX_TOKENS_LIMIT, severity=CRITICAL)
            for c in limit_columns
        ],
        # a warning: each limit is the value the sources agree on, chosen apart, and two sources may count a
        # window differently (the bundled sources: 7 routes where the chosen input cap is above the chosen window)
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="context_window",
            column_B="max_input_tokens",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=WARNING,
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
        *_not_null("source", "rule"),  # provenance: see reconciliation_suites
        E.ExpectColumnValuesToBeInSet(column="provenance_consistent", value_set=[True], severity=CRITICAL),
        *_in_routes(),
    ]


def extra_fields_suite() -> list:
    return [
        *_not_null("route_id", "field", "value_json", "known"),
        E.ExpectColumnValuesToBeJsonParseable(column="value_json", severity=CRITICAL),
        *_not_null("source"),
        E.ExpectCompoundColumnsToBeUnique(column_list=["route_id", "source", "field"], severity=CRITICAL),
        # fields nobody has seen before: published, and shown here so a person looks at them
        E.ExpectColumnValuesToBeInSet(column="known", value_set=[True], severity=WARNING),
        *_in_routes(),
    ]


def rejects_suite() -> list:
    return [
        *_not_null("route_id", "rule", "message", "severity", "source"),
        E.ExpectColumnValuesToBeInSet(column="severity", value_set=["error", "warning", "info"], severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="rule", regex=r"^[a-z][a-z0-9_]*\Z", severity=CRITICAL),
        E.ExpectColumnValuesToBeJsonParseable(column="value", severity=CRITICAL),
    ]


def _lists() -> list:
    """The rules every list (a route's similar models in one lens, a route's alternatives) keeps, checked on its
    summary (sql/checks/lists): no rank and no other route twice, no null, ranks from 1, every route a catalog
    route. The ``*_in`` columns name the list that breaks a rule, else are null."""
    return [
        *_not_null("route_id"),
        *[
            E.ExpectColumnValuesToBeNull(column=column, severity=CRITICAL)
            for column in ("repeated_rank_in", "repeated_other_in", "null_value_in")
        ],
        E.ExpectColumnValuesToBeBetween(column="first_rank", min_value=1, severity=CRITICAL),
        *_in_routes(),
        *_in_routes("other_route_id"),
    ]


def similar_models_suite() -> list:
    """On the summary of each (route, lens) list: (route, lens, rank) and (route, lens, other) are unique, and
    every score is in 0..1."""
    return [
        *_lists(),
        *_not_null("lens"),  # a list's lens: in-set below passes a null
        E.ExpectColumnValuesToBeInSet(
            column="lens",
            value_set=["overall", "cost", "modality", "capabilities", "context", "quality"],
            severity=CRITICAL,
        ),
        E.ExpectColumnValuesToBeBetween(column="lowest_score", min_value=0, severity=CRITICAL),
        E.ExpectColumnValuesToBeBetween(column="highest_score", max_value=1, severity=CRITICAL),
    ]


def alternatives_suite() -> list:
    """On the summary of each route's list: (route, rank) and (route, other) are unique, prices not negative."""
    return [
        *_lists(),
        E.ExpectColumnValuesToBeBetween(column="lowest_price", min_value=0, severity=CRITICAL),
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
            value_set=list(PRECEDENCE),  # every benchmark source
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
        E.ExpectColumnValuesToMatchRegex(column="docs_url", regex=WEB_LINK_REGEX, severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="weights_url", regex=WEB_LINK_REGEX, severity=CRITICAL),
        E.ExpectColumnValuesToMatchRegex(column="display_name", regex=SHOWN_TEXT_REGEX, severity=CRITICAL),
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
        *_not_null("snapshot_id", "previous_snapshot_id", "as_of", "route_id", "change", "field"),
        E.ExpectColumnValuesToBeInSet(
            column="change",
            value_set=["added", "removed", "price", "correction", "limit", "capability", "modality", "metadata"],
            severity=CRITICAL,
        ),
        E.ExpectColumnValuesToBeBetween(column="relative_change", min_value=-1, severity=CRITICAL),
        E.ExpectColumnValuesToMatchStrftimeFormat(column="as_of", strftime_format="%Y-%m-%d", severity=CRITICAL),
    ]


def price_history_suite() -> list:
    return [
        *_runs(["route_id", "price_kind", "tier", "condition", "unit"]),
        E.ExpectColumnValuesToBeBetween(column="usd", min_value=0, max_value=MAX_PRICE_USD, severity=CRITICAL),
        _within_unit_bound(),
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
    "model_rejects": rejects_suite,
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
