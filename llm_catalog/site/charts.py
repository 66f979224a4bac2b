"""The price-history chart of a route page, drawn on the server as SVG geometry (the template writes the SVG):
no chart library, nothing fetched, readable without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

from llm_catalog.readers.formatting import UNIT_LABELS, money

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 14, 30  # room for the axis labels
MAX_SERIES = 4
UNIT_PREFERENCE = ("usd_per_1m_tokens", "usd_per_image", "usd_per_second", "usd_per_1m_characters")
KIND_PREFERENCE = ("input", "output", "cache_read", "output_image", "input_audio", "output_audio")


def price_chart(history: list[dict], as_of: date) -> dict | None:
    """Step lines of the route's standard prices (no tier, no condition) in its main unit over the snapshots'
    dates, up to ``as_of``; None when the route states no such price."""
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
    spans = [
        (h, h["valid_from"], h["valid_to"] or as_of) for h in plain if h["unit"] == unit and h["price_kind"] in shown
    ]
    first = min(start for _, start, _ in spans)
    last = max(as_of, max(end for _, _, end in spans))
    if last <= first:  # one day of history: a flat line across the day before
        first = last - timedelta(days=1)
    top = max(h["usd"] for h, _, _ in spans) * 1.15 or 1.0

    def x(day: date) -> float:
        return round(LEFT + (day - first).days / (last - first).days * (WIDTH - LEFT - RIGHT), 1)

    def y(usd: float) -> float:
        return round(HEIGHT - BOTTOM - usd / top * (HEIGHT - TOP - BOTTOM), 1)

    series = []
    for number, kind in enumerate(shown):
        steps = sorted((start, end, h["usd"]) for h, start, end in spans if h["price_kind"] == kind)
        # a price first seen on the last day is drawn from the chart's start: a line, not a point
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x(first if start >= last else start)},{y(usd)} L{x(end)},{y(usd)}"
            for i, (start, end, usd) in enumerate(steps)
        )
        series.append(
            {
                "kind": kind,
                "label": kind.replace("_", " "),
                "path": path,
                "number": number,
                "latest": money(steps[-1][2], unit),
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "unit": UNIT_LABELS.get(unit, unit),
        "series": series,
        "hidden_kinds": kinds[MAX_SERIES:],
        "y_ticks": [{"y": y(top * f / 1.15), "label": money(top * f / 1.15, unit).split(" ")[0]} for f in (0, 0.5, 1)],
        "x_ticks": [
            {"x": x(first), "label": first.isoformat(), "anchor": "start"},
            {"x": x(last), "label": last.isoformat(), "anchor": "end"},
        ],
        "plot": {"left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "bottom": HEIGHT - BOTTOM},
    }
