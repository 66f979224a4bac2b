"""The `llm-catalog cost` command's output: one route's quote (its lines, total and notes) or a base model's routes
ranked by the workload's cost, as a table for people, CSV or JSON (llm_catalog.readers.query.render writes them)."""

from __future__ import annotations

import json

from llm_catalog.readers.cost import DAYS_PER_MONTH, Workload, money, tokens_label
from llm_catalog.readers.query import render

MONTH_NOTE = f"a month is {DAYS_PER_MONTH} days; a day of a month's workload is the month ÷ {DAYS_PER_MONTH}"


def describe_workload(workload: Workload) -> str:
    """1M input tokens (30% cached) and 200K output tokens a day, batch."""
    share = workload.cached_share * 100
    cached = f" ({share.normalize():f}% cached)" if share else ""
    batch = ", batch" if workload.batch else ""
    return (
        f"{tokens_label(workload.input_tokens)} input tokens{cached} and {tokens_label(workload.output_tokens)} "
        f"output tokens a {workload.per}{batch}"
    )


def render_quote(quote: dict, workload: Workload, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"workload": _workload_data(workload), "quote": quote}, indent=1)
    if not quote["ok"]:
        return quote["reason"]
    columns = ["part", "tokens", "usd_per_1m", "amount"]
    rows = [(line["part"], line["tokens"], line["usd_per_1m"], line["amount"]) for line in quote["lines"]]
    if fmt == "csv":
        return render(columns, rows + [("total", None, None, quote["total"])], "csv")
    rows = [(part, f"{tokens:,}", usd, money(amount)) for part, tokens, usd, amount in rows]
    head = f"{quote['route_id']}: {describe_workload(workload)}"
    lines = [head, render(columns, rows), "", *_totals(quote), *(f"note: {note}" for note in quote["notes"])]
    return "\n".join(lines + [f"note: {MONTH_NOTE}"])


def _totals(quote: dict) -> list[str]:
    return [f"per day:   {money(quote['per_day'])}", f"per month: {money(quote['per_month'])}"]


def render_ranking(base_model: str, quotes: list[dict], workload: Workload, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"workload": _workload_data(workload), "base_model": base_model, "quotes": quotes}, indent=1)
    columns = ["rank", "route_id", "provider", "per_day", "per_month", "notes"]
    rows = []
    for rank, quote in enumerate(quotes, 1):
        if quote["ok"]:
            figures = (quote["per_day"], quote["per_month"]) if fmt == "csv" else _money_pair(quote)
            rows.append((rank, quote["route_id"], quote["provider_name"], *figures, "; ".join(quote["notes"])))
        else:
            rows.append((None, quote["route_id"], quote["provider_name"], None, None, "refused: " + quote["reason"]))
    if fmt == "csv":
        return render(columns, rows, "csv")
    priced = sum(q["ok"] for q in quotes)
    head = f"{base_model}: {describe_workload(workload)}; {priced} of {len(quotes)} routes priced, cheapest first"
    table = render(columns, [tuple("" if v is None else v for v in row) for row in rows])
    return "\n".join([head, table, f"note: {MONTH_NOTE}"])


def _money_pair(quote: dict) -> tuple[str, str]:
    return money(quote["per_day"]), money(quote["per_month"])


def _workload_data(workload: Workload) -> dict:
    return {
        "input_tokens": workload.input_tokens,
        "output_tokens": workload.output_tokens,
        "cached_share": str(workload.cached_share),
        "batch": workload.batch,
        "per": workload.per,
        "prompt_tokens": workload.prompt_tokens,
    }
