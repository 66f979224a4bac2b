"""An entry's prices: plain price fields, dict-valued ones, tiered pricing bands and off-peak prices, each to one
row of ``prices`` in USD per published unit, or to a reject."""

from __future__ import annotations

import math
from decimal import Decimal

from llm_catalog.normalized.litellm.fields import ExtraFields, field_name_problem
from llm_catalog.normalized.litellm.rows import TableRows
from llm_catalog.normalized.litellm.vocabulary import MAX_TOKENS_LIMIT, PRICE_BOUNDS
from llm_catalog.normalized.price_fields import STANDARD_TIER, PriceField, condition_key_problem, parse_price_field
from llm_catalog.text import visible


def to_price(value) -> float:
    """A price as the map states it, as a float; ValueError(rule, message) when the value is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("price_not_a_number", f"a price must be a number, got {type(value).__name__}")
    value = float(value)  # integer zeros and floats alike
    if not math.isfinite(value):
        raise ValueError("price_not_finite", "a price must be finite")
    if value < 0:
        raise ValueError("price_negative", "a price must not be negative")
    return value


def is_range(span) -> bool:
    """A tier band's [from, to]: whole numbers from 0 to MAX_TOKENS_LIMIT, from <= to."""
    return (
        isinstance(span, list)
        and len(span) == 2
        and all(
            not isinstance(x, bool)
            and isinstance(x, (int, float))
            and math.isfinite(x)
            and x == int(x)
            and 0 <= x <= MAX_TOKENS_LIMIT
            for x in span
        )
        and span[0] <= span[1]
    )


class PriceRows:
    """Adds the rows of ``prices``; a field that names no price shape goes to ``extras``."""

    def __init__(self, out: TableRows, extras: ExtraFields) -> None:
        self.out = out
        self.extras = extras
        self.stated_by: dict[tuple, str] = {}  # price key -> the field that stated it

    def price(self, route_id: str, source_field: str, value, parsed: PriceField, *, tier=None, condition=None) -> None:
        try:
            # shift the decimal the map wrote (3e-08 -> 0.03), not its binary float (0.030000000000000002)
            usd = float(Decimal(repr(to_price(value))) * Decimal(int(parsed.factor)))
            unusual, implausible = PRICE_BOUNDS[parsed.unit]
            if not usd <= implausible:  # also inf: 1e308 per token is finite, per 1M tokens it is not
                raise ValueError("price_implausible", f"{usd:g} {parsed.unit} is above the plausible {implausible:,g}")
        except ValueError as exc:
            rule, message = exc.args
            self.out.reject(route_id, source_field, value, rule, message)
            return
        if usd > unusual:  # published: dear, but within what the unit allows
            self.out.reject(
                route_id,
                source_field,
                value,
                "price_unusual",
                f"{usd:g} {parsed.unit} is above {unusual:,g}, the top of the real prices in that unit; published",
                "warning",
            )
        conditions = [c for c in (parsed.condition, condition) if c]
        row = {
            "route_id": route_id,
            "price_kind": parsed.price_kind,
            "tier": tier if tier and parsed.tier == STANDARD_TIER else parsed.tier,
            "condition": ",".join(conditions) or None,
            "unit": parsed.unit,
            "usd": usd,
            "source_field": source_field,
        }
        key = (route_id, row["price_kind"], row["tier"], row["condition"], row["unit"])
        if key in self.stated_by:  # two spellings of one price (e.g. _batches and _batch_requests)
            self.out.reject(
                route_id,
                source_field,
                value,
                "price_duplicate",
                f"states the same price as {self.stated_by[key]}, which is kept",
            )
            return
        self.stated_by[key] = source_field
        self.out.rows["prices"].append(row)

    def priced_field(self, route_id: str, name: str, value, parsed: PriceField, *, tier=None, prefix="") -> None:
        source_field = prefix + name
        if isinstance(value, dict):  # search_context_cost_per_query: {search_context_size_low: ...}
            for sub, sub_value in value.items():
                if problem := condition_key_problem(sub):
                    self.out.reject(route_id, f"{source_field}.{visible(sub)}", sub_value, *problem)
                    continue
                self.price(route_id, f"{source_field}.{sub}", sub_value, parsed, tier=tier, condition=sub)
        else:
            self.price(route_id, source_field, value, parsed, tier=tier)

    def tiered_pricing(self, route_id: str, tiers) -> None:
        if not isinstance(tiers, list):
            self.out.reject(route_id, "tiered_pricing", tiers, "tiered_pricing_not_a_list", "expected a list of tiers")
            return
        for i, band in enumerate(tiers):
            if not isinstance(band, dict):
                self.out.reject(route_id, f"tiered_pricing[{i}]", band, "tier_not_an_object", "expected an object")
                continue
            condition = self.band_condition(route_id, f"tiered_pricing[{i}]", band)
            if condition is None:
                continue
            for name, value in band.items():
                if name in ("range", "max_results_range") and condition:
                    continue
                if self.odd_name(route_id, f"tiered_pricing[{i}].", name, value):
                    continue
                parsed = parse_price_field(name)
                if parsed is None:
                    self.extras.add(route_id, f"tiered_pricing[{i}].{name}", value)
                else:
                    self.price(route_id, f"tiered_pricing[{i}].{name}", value, parsed, condition=condition)

    def odd_name(self, route_id: str, prefix: str, name: str, value) -> bool:
        """Whether a field inside a tier band or the off-peak block has a name no field may have (rejected)."""
        problem = field_name_problem(name)
        if problem:
            self.out.reject(route_id, prefix + visible(name), value, *problem)
        return problem is not None

    def band_condition(self, route_id: str, where: str, band: dict) -> str | None:
        """A tier band's condition from its range (``tokens_0_to_256000``); None, with the band rejected, when it
        has no valid range: its prices could not be told from the base prices, so the band is left out whole."""
        for range_field, label in (("range", "tokens"), ("max_results_range", "max_results")):
            if range_field in band:
                span = band[range_field]
                if is_range(span):
                    return f"{label}_{int(span[0])}_to_{int(span[1])}"
                message = f"{range_field} must be [from, to], whole numbers from 0 to {MAX_TOKENS_LIMIT:,}, from <= to"
                break
        else:
            message = "the band states no range or max_results_range"
        self.out.reject(route_id, where, band, "tier_range_invalid", f"{message}; the band is left out")
        return None

    def off_peak(self, route_id: str, block) -> None:
        if not isinstance(block, dict):
            self.extras.add(route_id, "off_peak_pricing", block)
            return
        for name, value in block.items():
            if self.odd_name(route_id, "off_peak_pricing.", name, value):
                continue
            parsed = parse_price_field(name)
            if parsed is None:
                self.extras.add(route_id, f"off_peak_pricing.{name}", value)
            else:
                self.priced_field(route_id, name, value, parsed, tier="off_peak", prefix="off_peak_pricing.")
