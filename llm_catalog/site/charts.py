"""The price-history chart of a route page, drawn on the server as SVG geometry (the template writes the SVG):
no chart library, nothing fetched, readable without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

from llm_catalog.readers.formatting import UNIT_LABELS, money

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 14, 30  # room for the axis labels
MAX_SERIES = 4
TICK_ROOM = 80  # the least room between two date labels on the x-axis
UNIT_PREFERENCE = ("usd_per_1m_tokens", "usd_per_image", "usd_per_second", "usd_per_1m_characters")
KIND_PREFERENCE = ("input", "output", "cache_read", "output_image", "input_audio", "output_audio")


def price_chart(history: list[dict], as_of: date) -> dict | None:
    """A step chart of the route's standard prices (no tier, no condition) in its main unit, from its first dated
    price (the earliest valid_from) to ``as_of`` (the snapshot's date): each series is flat while a price holds and
    steps at the date it changed, with a marker there; along a path x never goes back. None when the route states
    no such price."""
    plain = [h for h in history if h["tier"] == "standard" and h["condition"] is None]
    if not plain:
        return None
    units = {h["unit"] for h in plain}
    unit = next((u for u in UNIT_PREFERENCE if u in units), sorted(units)[0])
    kinds = sorted(
        {h["price_kind"] for h in plain if h["unit"] == unit},
        key=lambda k: (KIND_PREFERENCE.index(k) if k in KIND_PREFERENCE else len(KIND_PREFERENCE), k),
    )
    shown = kinds[:MAX_SERIES]
    periods = sorted(
        ((h["price_kind"], h["valid_from"], h["valid_to"] or as_of, h["usd"]) for h in plain if h["unit"] == unit),
        key=lambda p: (p[0], p[1]),
    )
    periods = [p for p in periods if p[0] in shown]
    first, last = min(p[1] for p in periods), max(as_of, max(p[2] for p in periods))
    single_day = last <= first
    if single_day:  # one snapshot: its prices drawn as flat lines across the day before it
        first = last - timedelta(days=1)
    top = max(p[3] for p in periods) * 1.15 or 1.0

    def x(day: date) -> float:
        return round(LEFT + (day - first).days / (last - first).days * (WIDTH - LEFT - RIGHT), 1)

    def y(usd: float) -> float:
        return round(HEIGHT - BOTTOM - usd / top * (HEIGHT - TOP - BOTTOM), 1)

    series = []
    for number, kind in enumerate(shown):
        steps = [(first if single_day else start, end, usd) for k, start, end, usd in periods if k == kind]
        path, markers = _step_path(steps, x, y), []
        for (_, _, before), (start, _, usd) in zip(steps, steps[1:], strict=False):
            markers.append(_marker(kind, start, before, usd, unit, x, y))
        if steps[0][0] > first:  # a price the route gained after its first dated price: a change too
            markers.insert(0, _marker(kind, steps[0][0], None, steps[0][2], unit, x, y))
        series.append(
            {
                "kind": kind,
                "label": kind.replace("_", " "),
                "path": path,
                "markers": markers,
                "number": number,
                "latest": money(steps[-1][2], unit),
            }
        )
    changed = sorted({m["date"] for s in series for m in s["markers"]})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "unit": UNIT_LABELS.get(unit, unit),
        "series": series,
        "hidden_kinds": kinds[MAX_SERIES:],
        "y_ticks": [{"y": y(top * f / 1.15), "label": money(top * f / 1.15, unit).split(" ")[0]} for f in (0, 0.5, 1)],
        "x_ticks": _x_ticks(first, last, changed, x),
        "plot": {"left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "bottom": HEIGHT - BOTTOM},
    }


def _step_path(steps: list[tuple[date, date, float]], x, y) -> str:
    """An SVG path through a series' periods (start, end, usd) in date order: across each period, then straight up
    or down at the date of the next one; a gap (the price was gone for a while) is a move, not a line."""
    parts = []
    for number, (start, end, usd) in enumerate(steps):
        if number and steps[number - 1][1] == start:
            parts.append(f"L{x(start)},{y(usd)}")
        else:
            parts.append(f"M{x(start)},{y(usd)}")
        parts.append(f"L{x(end)},{y(usd)}")
    return " ".join(parts)


def _marker(kind: str, day: date, before: float | None, usd: float, unit: str, x, y) -> dict:
    was = money(before, unit) if before is not None else "no price"
    return {
        "x": x(day),
        "y": y(usd),
        "date": day,
        "title": f"{day.isoformat()}: {kind.replace('_', ' ')} {was} → {money(usd, unit)}",
    }


def _x_ticks(first: date, last: date, changed: list[date], x) -> list[dict]:
    """The chart's first and last dates, and the change dates with room for their label between them."""
    ticks = [{"x": x(first), "label": first.isoformat(), "anchor": "start", "change": False}]
    for day in changed:
        if x(day) - ticks[-1]["x"] >= TICK_ROOM and x(last) - x(day) >= TICK_ROOM:
            ticks.append({"x": x(day), "label": day.isoformat(), "anchor": "middle", "change": True})
    ticks.append({"x": x(last), "label": last.isoformat(), "anchor": "end", "change": False})
    return ticks
