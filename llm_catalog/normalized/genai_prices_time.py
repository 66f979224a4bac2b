"""Which of a model's ``ConditionalPrice`` entries the catalog publishes on a date (genai-prices: the last active one
applies, the first when none is): the one in force on ``as_of`` as ``standard``; with daily windows
(``TimeOfDateConstraint``), the cheaper of the price inside them and the one outside as ``off_peak``; prices that
start after ``as_of`` are kept in extra_fields (``prices_scheduled``), not published."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from llm_catalog.normalized.genai_prices_prices import Constraint, PriceProblem, cheaper, constraint, outside_windows
from llm_catalog.normalized.litellm.rows import TableRows, as_json


@dataclass
class Resolved:
    published: list[tuple[str, int, dict]] = field(default_factory=list)  # (tier, index in the list, prices)
    extras: list[tuple[str, object]] = field(default_factory=list)  # (extra field, value)
    scheduled: int = 0


def _entries(out: TableRows, route_id: str, raw) -> list[tuple[int, Constraint, dict]]:
    if not isinstance(raw, list):
        out.reject(route_id, "prices", raw, "prices_invalid", "prices must be an object or a list")
        return []
    entries = []
    for i, item in enumerate(raw):
        where = f"prices[{i}]"
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("prices"), dict)
            or set(item) - {"prices", "constraint"}
        ):
            out.reject(
                route_id, where, item, "conditional_price_invalid", "a conditional price is {constraint, prices}"
            )
            continue
        try:
            entries.append((i, constraint(item.get("constraint")), item["prices"]))
        except PriceProblem as problem:
            out.reject(route_id, f"{where}.constraint", item.get("constraint"), *problem.args)
    return entries


def resolve_conditional(out: TableRows, route_id: str, raw, as_of: date) -> Resolved:
    resolved = Resolved()
    entries = _entries(out, route_id, raw)
    if not entries:
        return resolved
    later = [(c.start_date, p) for _, c, p in entries if c.start_date is not None and c.start_date > as_of]
    if later:
        resolved.scheduled = len(later)
        resolved.extras.append(("prices_scheduled", [{"start_date": d, "prices": p} for d, p in later]))

    def at(moment: time | None) -> tuple[int, dict]:
        for i, applies, prices in reversed(entries):
            if applies.active(as_of, moment):
                return i, prices
        return entries[0][0], entries[0][2]

    windows = [c.window for _, c, _ in entries if c.window is not None]
    if not windows:
        resolved.published.append(("standard", *at(None)))
        return resolved
    outside = outside_windows(windows)
    inside = {as_json(at(w[0])[1]): at(w[0]) for w in windows}
    base = at(outside) if outside is not None else next(iter(inside.values()))
    inside.pop(as_json(base[1]), None)
    if len(inside) > 1:
        message = "the daily windows state more than two price sets; only the one outside them is published"
        out.reject(route_id, "prices", None, "time_of_day_ambiguous", message, severity="warning")
    if len(inside) != 1:
        resolved.published.append(("standard", *base))
        return resolved
    (window_price,) = inside.values()
    off_peak_inside = cheaper(window_price[1], base[1])
    standard, off_peak = (base, window_price) if off_peak_inside else (window_price, base)
    resolved.published += [("standard", *standard), ("off_peak", *off_peak)]
    labels = [Constraint(window=w).label() for w in windows]
    resolved.extras.append(("off_peak", {"off_peak": "inside" if off_peak_inside else "outside", "windows": labels}))
    return resolved
