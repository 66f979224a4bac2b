"""genai-prices' price fields in the catalog's vocabulary: which ``ModelPrice`` key is which price kind and unit, the
value checks, tiered (context) prices as conditions, and which of a model's conditional prices and variants apply on
a date.

- Keys: ``<x>_mtok`` is USD per 1M tokens (the catalog's ``usd_per_1m_tokens``, unchanged); ``<x>_kcount`` per 1,000
  calls (``web_searches`` -> ``web_search`` per query, ``requests`` -> ``input`` per request, as LiteLLM's
  ``input_cost_per_request``; ``storage_searches`` -> ``file_search`` per 1K calls, as LiteLLM's
  ``file_search_cost_per_1k_calls``); ``<x>_hours`` per second; ``input_mchars`` per 1M characters; pages per page.
  Names follow LiteLLM's normalizer: ``cache_read_audio``, ``reasoning``, ``cache_write`` with ``cache_ttl_1h``.
- ``TieredPrices(base, tiers=[Tier(start, price)])``: crossing a tier bills every token at its rate, as LiteLLM's
  ``..._above_200k_tokens`` fields do: the base price has no condition, each tier ``above_<start>`` with the start
  in thousands where it is one (``above_200k_tokens``; genai-prices' ``199999`` reads "from 200k" too), else exact.
- ``ConditionalPrice``: the last one active applies. ``StartDateConstraint``: active from its date; the price active
  on ``as_of`` is published, later ones are scheduled (kept in extra_fields). ``TimeOfDateConstraint``: a daily UTC
  window; of the price inside the windows and the one outside, the cheaper is published as tier ``off_peak`` (as
  LiteLLM's ``off_peak_pricing``) and the dearer as ``standard``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from llm_catalog.normalized.litellm.vocabulary import MAX_TOKENS_LIMIT, PRICE_BOUNDS

TOKENS, PER_QUERY, PER_1K_CALLS = "usd_per_1m_tokens", "usd_per_query", "usd_per_1k_calls"


@dataclass(frozen=True)
class PriceKey:
    price_kind: str
    unit: str
    factor: Decimal  # published usd = stated value * factor
    condition: str | None = None


def _token_keys() -> dict[str, PriceKey]:
    keys = {}
    for modality in ("", "text", "audio", "image", "video"):
        infix, suffix = (f"{modality}_", f"_{modality}") if modality else ("", "")
        keys[f"input_{infix}mtok"] = PriceKey(f"input{suffix}", TOKENS, Decimal(1))
        keys[f"output_{infix}mtok"] = PriceKey(f"output{suffix}", TOKENS, Decimal(1))
        keys[f"cache_{infix}read_mtok"] = PriceKey(f"cache_read{suffix}", TOKENS, Decimal(1))
        keys[f"cache_{infix}write_mtok"] = PriceKey(f"cache_write{suffix}", TOKENS, Decimal(1))
        for ttl in ("5m", "1h"):
            keys[f"cache_{infix}write_{ttl}_mtok"] = PriceKey(
                f"cache_write{suffix}", TOKENS, Decimal(1), f"cache_ttl_{ttl}"
            )
        keys[f"input_{infix}tool_mtok"] = PriceKey(f"input_tool{suffix}", TOKENS, Decimal(1))
        keys[f"output_{infix}reasoning_mtok"] = PriceKey(f"reasoning{suffix}", TOKENS, Decimal(1))
        keys[f"output_{infix}citation_mtok"] = PriceKey(f"citation{suffix}", TOKENS, Decimal(1))
    return keys


THOUSANDTH, PER_HOUR = Decimal(1) / 1000, Decimal(1) / 3600
PRICE_KEYS: dict[str, PriceKey] = {
    **_token_keys(),
    "input_mchars": PriceKey("input", "usd_per_1m_characters", Decimal(1)),
    "input_text_messages_kcount": PriceKey("input", "usd_per_message", THOUSANDTH),
    "audio_hours": PriceKey("audio", "usd_per_second", PER_HOUR),
    "input_audio_hours": PriceKey("input_audio", "usd_per_second", PER_HOUR),
    "output_audio_hours": PriceKey("output_audio", "usd_per_second", PER_HOUR),
    "input_gpixels": PriceKey("input_image", "usd_per_1m_pixels", THOUSANDTH),
    "input_document_kpages": PriceKey("ocr", "usd_per_page", THOUSANDTH),
    "input_annotated_document_kpages": PriceKey("annotation", "usd_per_page", THOUSANDTH),
    "rerank_searches_kcount": PriceKey("input", PER_QUERY, THOUSANDTH),
    "web_searches_kcount": PriceKey("web_search", PER_QUERY, THOUSANDTH),
    "social_searches_kcount": PriceKey("social_search", PER_QUERY, THOUSANDTH),
    "storage_searches_kcount": PriceKey("file_search", PER_1K_CALLS, Decimal(1)),
    "code_executions_kcount": PriceKey("code_execution", PER_1K_CALLS, Decimal(1)),
    "requests_kcount": PriceKey("input", "usd_per_request", THOUSANDTH),
}

# a variant's request context -> the catalog's tier; "default" with no prices is the standard price itself
VARIANT_TIERS = {
    ("processing", "batch"): "batch",
    ("service_tier", "batch"): "batch",
    ("service_tier", "flex"): "flex",
    ("service_tier", "priority"): "priority",
    ("service_tier", "fast"): "fast",  # OpenAI's fast service tier
    ("speed", "fast"): "fast",  # Anthropic's fast mode
}


class PriceProblem(ValueError):
    """(rule, message) of a stated value that is not a publishable price."""


def price_usd(value, key: PriceKey) -> tuple[float, str | None]:
    """The published usd of a stated value, and a warning when it is dear for its unit; PriceProblem otherwise."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        raise PriceProblem("price_not_a_number", f"a price must be a number, got {type(value).__name__}")
    try:
        stated = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation as exc:  # pragma: no cover - Decimal() of a number does not fail
        raise PriceProblem("price_not_a_number", str(exc)) from exc
    if not stated.is_finite():
        raise PriceProblem("price_not_finite", "a price must be finite")
    if stated < 0:
        raise PriceProblem("price_negative", "a price must not be negative")
    usd = float(stated * key.factor)
    unusual, implausible = PRICE_BOUNDS[key.unit]
    if not math.isfinite(usd) or usd > implausible:
        raise PriceProblem("price_implausible", f"{usd:g} {key.unit} is above the plausible {implausible:,g}")
    if usd > unusual:
        return usd, f"{usd:g} {key.unit} is above {unusual:,g}, the top of the real prices in that unit; published"
    return usd, None


def above_condition(start) -> str:
    """A tier's condition, as LiteLLM's normalizer names a context tier: ``above_200k_tokens``."""
    if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= MAX_TOKENS_LIMIT:
        raise PriceProblem("tier_start_invalid", f"a tier start must be a whole number from 0 to {MAX_TOKENS_LIMIT:,}")
    thousands = round(start / 1000)
    if thousands and abs(start - thousands * 1000) <= 1:
        return f"above_{thousands}k_tokens"
    return f"above_{start}_tokens"


def as_date(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise PriceProblem("constraint_invalid", f"start_date {value!r} is not a date")


def as_utc_time(value) -> time:
    """A time of day in UTC (naive times are UTC, as genai-prices reads them)."""
    if isinstance(value, str):
        try:
            value = time.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise PriceProblem("constraint_invalid", f"{value!r} is not a time of day") from None
    if not isinstance(value, time):
        raise PriceProblem("constraint_invalid", f"{value!r} is not a time of day")
    if value.tzinfo is None:
        return value
    moment = datetime.combine(date(1970, 1, 1), value).astimezone(UTC)
    return moment.time()


@dataclass(frozen=True)
class Constraint:
    """None-like (always), from a date, or a daily UTC window [start, end) (end before start: across midnight)."""

    start_date: date | None = None
    window: tuple[time, time] | None = None

    def active(self, on: date, at: time | None) -> bool:
        if self.start_date is not None:
            return self.start_date <= on
        if self.window is not None:
            if at is None:
                return False
            start, end = self.window
            return start <= at < end if start <= end else (at >= start or at < end)
        return True

    def label(self) -> str:
        if self.window is None:
            return f"from {self.start_date}" if self.start_date else "always"
        return f"{self.window[0].isoformat('minutes')}-{self.window[1].isoformat('minutes')} UTC"


def constraint(raw) -> Constraint:
    if raw is None:
        return Constraint()
    if isinstance(raw, dict) and set(raw) == {"start_date"}:
        return Constraint(start_date=as_date(raw["start_date"]))
    if isinstance(raw, dict) and set(raw) == {"start_time", "end_time"}:
        return Constraint(window=(as_utc_time(raw["start_time"]), as_utc_time(raw["end_time"])))
    raise PriceProblem("constraint_invalid", "a constraint is {start_date} or {start_time, end_time}")


def outside_windows(windows: list[tuple[time, time]]) -> time | None:
    """A minute of the day no window covers; None when the windows cover the whole day."""
    for minute in range(24 * 60):
        at = time(minute // 60, minute % 60)
        if not any(Constraint(window=w).active(date.min, at) for w in windows):
            return at
    return None


def cheaper(a: dict, b: dict) -> bool:
    """Whether price set ``a`` is cheaper than ``b``: by input price, else output, else their plain values' sum."""
    for key in ("input_mtok", "output_mtok"):
        if isinstance(a.get(key), Decimal) and isinstance(b.get(key), Decimal) and a[key] != b[key]:
            return a[key] < b[key]
    total = [sum(v for v in s.values() if isinstance(v, Decimal) and v.is_finite()) for s in (a, b)]
    return total[0] < total[1]
