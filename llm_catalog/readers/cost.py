"""Pricing a workload on a route, exactly: so many input and output tokens a day or a month, a share of the input
read from a cache, batch or not. `route_terms` reads the prices a workload uses from the published `prices` table
(sql/readers/cost/); `price` applies them. The site ships the same terms to the browser, where
llm_catalog/site/static/cost.js applies the same rules and must give the same figures (tests/readers/test_cost_js.py).

Money is Decimal from the prices' shortest float repr (0.15 stays 0.15), never float arithmetic. A route whose
prices cannot price the workload is refused, naming the missing price, never priced with a guess."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import duckdb

from llm_catalog.paths import SQL_DIR
from llm_catalog.readers.query import fetch_rows

COST_SQL = SQL_DIR / "readers" / "cost"
DAYS_PER_MONTH = 30
DAY_PLACES = Decimal("0.000001")  # a day's cost derived from a month's (÷ 30) is rounded to a millionth of a dollar
PERIODS = ("day", "month")
KINDS = ("input", "output", "cache_read")
TOKEN_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


@dataclass(frozen=True)
class Workload:
    """Tokens in one `per` period (a day or a month); ``cached_share`` of the input is read from a cache;
    ``prompt_tokens`` is the size of one request's prompt, which decides a long-context tier (None: the base tier)."""

    input_tokens: int
    output_tokens: int
    cached_share: Decimal = Decimal(0)
    batch: bool = False
    per: str = "month"
    prompt_tokens: int | None = None

    def __post_init__(self):
        for name in ("input_tokens", "output_tokens"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name.replace('_', ' ')} must be a whole number from 0 up, got {value!r}")
        share = Decimal(str(self.cached_share))
        if not share.is_finite() or not 0 <= share <= 1:
            raise ValueError(f"the cached share is a fraction from 0 to 1, got {self.cached_share}")
        object.__setattr__(self, "cached_share", share)
        if self.per not in PERIODS:
            raise ValueError(f"per is day or month, got {self.per!r}")
        if self.prompt_tokens is not None and (not isinstance(self.prompt_tokens, int) or self.prompt_tokens < 1):
            raise ValueError(f"the prompt size is a number of tokens from 1 up, got {self.prompt_tokens!r}")


def parse_tokens(text: str) -> int:
    """A token count as people write it: 1000000, 1_000_000, 1,000,000, 200K, 1M, 1.5M, 2B."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kmb]?)", str(text).strip().lower().replace("_", "").replace(",", ""))
    if not match:
        raise ValueError(f"{text!r} is not a token count (e.g. 1000000, 1M, 200K)")
    tokens = Decimal(match[1]) * TOKEN_MULTIPLIERS[match[2]]
    if tokens != tokens.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number of tokens")
    return int(tokens)


def decimal_text(value: Decimal) -> str:
    """An exact decimal without exponent or trailing zeros: 0.105, 12, 0."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def price_text(usd: float | None) -> str | None:
    """A price as the decimal its float's shortest repr shows (0.15 -> "0.15", never 0.1499999...)."""
    return None if usd is None else decimal_text(Decimal(repr(float(usd))))


def money(amount: str) -> str:
    """$ and the exact amount, at least two decimals, thousands grouped: "0.105" -> "$0.105", "12" -> "$12.00"."""
    whole, _, fraction = decimal_text(Decimal(amount)).partition(".")
    return f"${int(whole):,}.{fraction.ljust(2, '0')}"


def tokens_label(tokens: int) -> str:
    """200000 -> 200K, 1000000 -> 1M, 524288 -> 524,288."""
    if tokens and tokens % 1_000_000 == 0:
        return f"{tokens // 1_000_000:,}M"
    if tokens and tokens % 1_000 == 0:
        return f"{tokens // 1_000:,}K"
    return f"{tokens:,}"


def _unit_words(unit: str) -> str:
    """usd_per_second -> "per second", usd_per_1m_characters -> "per 1M characters"."""
    words = unit.removeprefix("usd_").replace("_", " ")
    return re.sub(r"\b1([km])\b", lambda m: "1" + m[1].upper(), words)


def route_terms(con: duckdb.DuckDBPyConnection, route_ids: list[str] | None = None) -> dict[str, dict]:
    """For each route (``route_ids``; None: every route), the prices a workload uses as JSON-able data: per 1M
    tokens as decimal strings (None: not stated), its long-context tiers and why it cannot price tokens, if so."""
    params = {"route_ids": route_ids}
    stated = defaultdict(dict)
    for row in fetch_rows(con, (COST_SQL / "token_prices.sql").read_text(), params):
        stated[row["route_id"]][(row["kind"], row["service_tier"], row["above"])] = price_text(row["usd"])
    return {
        route["route_id"]: _terms(route, stated[route["route_id"]])
        for route in fetch_rows(con, (COST_SQL / "routes.sql").read_text(), params)
    }


def _terms(route: dict, stated: dict) -> dict:
    def prices_above(above: int) -> dict:
        found = {kind: stated.get((kind, "standard", above)) for kind in KINDS}
        return found | {f"batch_{kind}": stated.get((kind, "batch", above)) for kind in KINDS}

    base = prices_above(0)
    tiers = sorted({above for (kind, _, above) in stated if above > 0 and kind in KINDS})
    unpriceable = None
    for kind in ("input", "output"):
        if base[kind] is None and route[f"{kind}_unit"]:
            unpriceable = f"{kind} is priced {_unit_words(route[f'{kind}_unit'])}"
            break
    return {
        "route_id": route["route_id"],
        "provider": route["provider"],
        "provider_name": route["provider_name"],
        "base_model": route["base_model"],
        "mode": route["mode"],
        **base,
        "tiers": [{"above": above, **prices_above(above)} for above in tiers],
        "reasoning": stated.get(("reasoning", "standard", 0)),
        "unpriceable": unpriceable,
    }


def price(terms: dict, workload: Workload) -> dict:
    """The cost of ``workload`` on the route of ``terms``: total (per ``workload.per``), per_day, per_month, the
    lines it adds up and notes on what it assumed; or a refusal naming the missing prices."""
    with localcontext() as context:
        context.prec = 120  # tokens × price stays exact; nothing here comes near 120 digits
        return _price(terms, workload)


def _price(terms: dict, workload: Workload) -> dict:
    route_id = terms["route_id"]
    if terms["unpriceable"]:
        missing = ["input" if terms["input"] is None else "output"]
        return _refusal(terms, missing, f"{route_id} cannot price tokens: {terms['unpriceable']}")
    tier = _tier(terms, workload.prompt_tokens)
    rates = tier or terms
    prefix = "batch_" if workload.batch else ""
    cached = int((workload.input_tokens * workload.cached_share).quantize(Decimal(1), ROUND_HALF_EVEN))
    parts = [
        ("uncached input", workload.input_tokens - cached, "input"),
        ("cached input", cached, "cache_read"),
        ("output", workload.output_tokens, "output"),
    ]
    parts = [(part, tokens, prefix + kind) for part, tokens, kind in parts if tokens > 0]
    missing = [kind for _, _, kind in parts if rates[kind] is None]
    if missing:
        where = f" for prompts above {tokens_label(tier['above'])} tokens" if tier else ""
        return _refusal(terms, missing, f"{route_id} cannot price this workload: no {', '.join(missing)} price{where}")
    lines = [
        {
            "part": part,
            "tokens": tokens,
            "usd_per_1m": rates[kind],
            "amount": decimal_text(tokens * Decimal(rates[kind]) / 1_000_000),
        }
        for part, tokens, kind in parts
    ]
    total = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
    if workload.per == "day":
        per_day, per_month = total, total * DAYS_PER_MONTH
    else:
        per_day, per_month = (total / DAYS_PER_MONTH).quantize(DAY_PLACES, ROUND_HALF_EVEN), total
    return {
        "ok": True,
        "route_id": route_id,
        "total": decimal_text(total),
        "per_day": decimal_text(per_day),
        "per_month": decimal_text(per_month),
        "lines": lines,
        "notes": _notes(terms, workload, tier),
    }


def _tier(terms: dict, prompt_tokens: int | None) -> dict | None:
    """The long-context tier a prompt of ``prompt_tokens`` falls in (the highest it is above); None: the base."""
    above = [tier for tier in terms["tiers"] if prompt_tokens is not None and prompt_tokens > tier["above"]]
    return above[-1] if above else None


def _notes(terms: dict, workload: Workload, tier: dict | None) -> list[str]:
    notes = ["batch prices used"] if workload.batch else []
    if tier:
        notes.append(
            f"prompts of {tokens_label(workload.prompt_tokens)} tokens: "
            f"prices above {tokens_label(tier['above'])} tokens used"
        )
    elif terms["tiers"]:
        first = terms["tiers"][0]["above"]
        if workload.prompt_tokens is None:
            above = _price(terms, _with_prompt(workload, first + 1))
            cost = money(above["total"]) if above["ok"] else f"not priced, no {', '.join(above['missing'])} price"
            notes.append(f"assumes prompts up to {tokens_label(first)} tokens (tier above: {cost})")
        else:
            notes.append(
                f"prompts of {tokens_label(workload.prompt_tokens)} tokens: base prices "
                f"(they change above {tokens_label(first)} tokens)"
            )
    if terms["reasoning"] is not None:
        notes.append(f"a reasoning-token price is stated ({money(terms['reasoning'])} per 1M), not applied")
    return notes


def _with_prompt(workload: Workload, prompt_tokens: int) -> Workload:
    return Workload(
        workload.input_tokens,
        workload.output_tokens,
        workload.cached_share,
        workload.batch,
        workload.per,
        prompt_tokens,
    )


def _refusal(terms: dict, missing: list[str], reason: str) -> dict:
    return {"ok": False, "route_id": terms["route_id"], "missing": missing, "reason": reason}


def model_route_ids(con: duckdb.DuckDBPyConnection, base_model: str) -> list[str]:
    """The routes of a base model, each once (a `duplicate_of` route is left out, as search does)."""
    rows = fetch_rows(con, (COST_SQL / "model_routes.sql").read_text(), {"base_model": base_model})
    return [row["route_id"] for row in rows]


def rank(quotes: list[dict]) -> list[dict]:
    """Priced quotes cheapest first (ties by route id), then the refused ones by route id."""
    priced = sorted((q for q in quotes if q["ok"]), key=lambda q: (Decimal(q["total"]), q["route_id"]))
    return priced + sorted((q for q in quotes if not q["ok"]), key=lambda q: q["route_id"])


def price_model(con: duckdb.DuckDBPyConnection, base_model: str, workload: Workload) -> list[dict]:
    """Every route of ``base_model`` priced for ``workload``: cheapest first, the refused ones after with their
    reason. Each quote also names its provider."""
    terms = route_terms(con, model_route_ids(con, base_model))
    quotes = [price(t, workload) | {"provider_name": t["provider_name"]} for t in terms.values()]
    return rank(quotes)
