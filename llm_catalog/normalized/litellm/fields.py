"""One field of a model entry, other than prices and modalities: which fields can be stored at all, token limits,
the deprecation date, and the fields kept verbatim in ``extra_fields``."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date

from llm_catalog.normalized.litellm.payload import value_problem
from llm_catalog.normalized.litellm.rows import TableRows, as_json
from llm_catalog.normalized.litellm.vocabulary import (
    DATE,
    FIELD_NAME,
    KNOWN_EXTRA_FIELDS,
    MAX_TOKENS_LIMIT,
    NO_TOKEN_OUTPUT_MODES,
    OUTPUT_LIMIT_FIELDS,
)
from llm_catalog.text import hidden_code_points, visible

NESTED_PREFIXES = ("tiered_pricing[", "off_peak_pricing.")  # how ExtraFields names the fields inside those blocks


def field_name_problem(name: str) -> tuple[str, str] | None:
    """Why ``name`` cannot name a field (rule, message), or None: whitespace, controls, or a code point that does
    not show as itself (text.hidden_code_points), since the name is published and printed as it is."""
    if not FIELD_NAME.fullmatch(name):
        return "field_name_invalid", "a field name must be 1-200 printable characters, no whitespace"
    if hidden := hidden_code_points(name):
        return "field_name_invalid", f"a field name must hold no invisible or control code points: {', '.join(hidden)}"
    return None


def reserved_name_problem(name: str) -> tuple[str, str] | None:
    """Why a top-level field may not have ``name``: the catalog names the fields of a tier band and of the off-peak
    block ``tiered_pricing[0].x`` and ``off_peak_pricing.x`` in ``extra_fields``, and a top-level field named so
    would take the place of one of them."""
    if "[" in name or "]" in name or name.startswith(NESTED_PREFIXES):
        return "field_name_reserved", (
            "a top-level field name may not hold [ or ] nor start with off_peak_pricing.: the catalog names the "
            "fields of tier bands and the off-peak block so"
        )
    return None


def storable_fields(out: TableRows, route_id: str, entry: dict) -> dict:
    """The entry without the fields whose name or value cannot be stored (each one rejected)."""
    kept = {}
    for name, value in entry.items():
        problem = value_problem(name) or value_problem(value)
        if problem is None:
            problem = field_name_problem(name) or reserved_name_problem(name)
        if problem is None:
            kept[name] = value
            continue
        shown = str(value)[:80] if problem[0] in ("number_out_of_range", "value_too_deep") else value
        out.reject(route_id, name if problem[0] == "not_encodable" else visible(name), shown, *problem)
    return kept


def token_limit(value) -> int:
    """A token limit as the map states it, zero included (``limit_value`` says what a zero means); ValueError(rule,
    message) when the value is not a limit at all."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("limit_not_a_number", "a token limit must be a number")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ValueError("limit_not_integer", "a token limit must be a whole number")
    if value < 0:
        raise ValueError("limit_negative", "a token limit must not be negative")
    if value > MAX_TOKENS_LIMIT:  # compared before int(): int64 holds no 10**20, and 1e300 is a float
        raise ValueError("limit_implausible", f"a token limit above {MAX_TOKENS_LIMIT:,} is not plausible")
    return int(value)


def limit_value(out: TableRows, route_id: str, name: str, value, mode: str | None) -> int | None:
    """The limit ``name`` of a route as published; None where the map states no usable limit.

    A zero is never published as 0: ``limits`` holds caps, and a reader (or the similarity stage, which takes their
    log) reads 0 as a cap of nothing. A zero output limit on a mode that generates no tokens (moderation, embedding,
    rerank, ...) is true and on purpose: it is published as null, "no cap applies" (the route's output modalities say
    what it returns instead), with an ``info`` row that keeps the stated 0. Any other zero is the map's placeholder
    for a limit it does not know (vercel_ai_gateway states 0 for all three limits of its embedding models, some
    called chat): null too, with a warning. A value that is not a limit at all is an error; the entry is published
    in every case."""
    try:
        limit = token_limit(value)
    except ValueError as exc:
        out.reject(route_id, name, value, *exc.args)
        return None
    if limit > 0:
        return limit
    if name in OUTPUT_LIMIT_FIELDS and mode in NO_TOKEN_OUTPUT_MODES:
        message = f"mode {mode} generates no tokens: no output cap applies; published as null"
        out.reject(route_id, name, value, "limit_not_applicable", message, "info")
    else:
        what = "an input limit" if name == "max_input_tokens" else f"an output limit of a {mode or 'modeless'} route"
        out.reject(route_id, name, value, "limit_zero", f"zero as {what} states no limit; left null", "warning")
    return None


def deprecation_date(out: TableRows, route_id: str, value) -> date | None:
    """The entry's deprecation date; None, with a warning, when it is not a YYYY-MM-DD date."""
    if isinstance(value, str) and DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    out.reject(route_id, "deprecation_date", value, "date_unparseable", "expected a YYYY-MM-DD date", "warning")
    return None


class ExtraFields:
    """Fields kept verbatim in ``extra_fields``, flagged ``known`` or not; ``unknown`` counts the unknown names."""

    def __init__(self, out: TableRows) -> None:
        self.out = out
        self.unknown: Counter = Counter()

    def add(self, route_id: str, name: str, value) -> None:
        known = re.sub(r"\[\d+\]", "[]", name) in KNOWN_EXTRA_FIELDS
        if not known:
            self.unknown[name] += 1
        self.out.rows["extra_fields"].append(
            {"route_id": route_id, "field": name, "value_json": as_json(value), "known": known}
        )
