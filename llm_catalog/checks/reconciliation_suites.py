"""Great Expectations suites for what reconciliation adds: the provenance of every published value and the tables
that say how the sources were reconciled (llm_catalog.checks.suites holds the others; expectations.py runs both).

``expectations.validate`` adds the columns these check: ``provenance_consistent`` (the chosen source is among those
agreeing, and those agreeing among those stating), ``source_count`` (a route's sources) and ``statement_count``
(a disagreement's statements)."""

from __future__ import annotations

from llm_catalog.checks.suites import CRITICAL, MAX_TOKENS_LIMIT, E, _in_routes, _not_null
from llm_catalog.reconciliation.choose import RULES

LIMIT_NAMES = ["context_window", "max_input_tokens", "max_output_tokens", "max_tokens"]
MATCHED_BY = ["own_id", "same_model", "same_name", "serving_variant", "new"]
PRICE_KEY = ["route_id", "price_kind", "tier", "condition", "unit"]


def provenance() -> list:
    """Every chosen value names its source and a known rule, consistently with who states and who agrees."""
    return [
        *_not_null("source", "rule"),
        E.ExpectColumnValuesToBeInSet(column="rule", value_set=list(RULES), severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="provenance_consistent", value_set=[True], severity=CRITICAL),
    ]


def route_sources_suite() -> list:
    return [
        *_not_null("route_id", "source", "source_route_id", "matched_by"),
        # each source's route is one route of the catalog, and a catalog route holds one route per source
        E.ExpectCompoundColumnsToBeUnique(column_list=["source", "source_route_id"], severity=CRITICAL),
        E.ExpectCompoundColumnsToBeUnique(column_list=["route_id", "source"], severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="matched_by", value_set=MATCHED_BY, severity=CRITICAL),
        *_in_routes(),
    ]


def limit_provenance_suite() -> list:
    return [
        *_not_null("route_id", "limit_name", "value"),
        E.ExpectCompoundColumnsToBeUnique(column_list=["route_id", "limit_name"], severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="limit_name", value_set=LIMIT_NAMES, severity=CRITICAL),
        E.ExpectColumnValuesToBeBetween(column="value", min_value=1, max_value=MAX_TOKENS_LIMIT, severity=CRITICAL),
        *provenance(),
        *_in_routes(),
    ]


def _disagreement(key: list[str], value: str) -> list:
    return [
        *_not_null(*[c for c in key if c != "condition"], value, "source", "rule"),
        E.ExpectCompoundColumnsToBeUnique(column_list=key, severity=CRITICAL),
        E.ExpectColumnValuesToBeInSet(column="rule", value_set=list(RULES), severity=CRITICAL),
        # a disagreement takes two statements at least
        E.ExpectColumnValuesToBeBetween(column="statement_count", min_value=2, severity=CRITICAL),
        *_in_routes(),
    ]


def price_disagreements_suite() -> list:
    return _disagreement(PRICE_KEY, "usd")


def limit_disagreements_suite() -> list:
    return _disagreement(["route_id", "limit_name"], "value")


def capability_disagreements_suite() -> list:
    return _disagreement(["route_id", "capability"], "supported")


RECONCILIATION_SUITES = {
    "route_sources": route_sources_suite,
    "limit_provenance": limit_provenance_suite,
    "price_disagreements": price_disagreements_suite,
    "limit_disagreements": limit_disagreements_suite,
    "capability_disagreements": capability_disagreements_suite,
}
