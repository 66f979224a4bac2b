"""The grammar of the cost map's price field names, e.g. ``cache_read_input_token_cost_above_272k_tokens_priority``.

A price field reads as  <what is priced> _cost_per_ <unit> [_<qualifier>]...  (or ``cache_<read|creation>_input_
[<modality>_]token_cost`` for cache prices). Qualifiers are a service tier (batches, flex, priority, ...) or a
condition (a context threshold, a cache lifetime, a resolution or image size). The map combines the two axes freely
(``..._above_272k_tokens_priority``), so they are published as two columns: ``tier`` and ``condition``.

``parse_price_field`` returns None for a name that does not follow the grammar; the normalizer keeps such a field in
``extra_fields`` and counts it, it never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llm_catalog.text import hidden_code_points, visible

# unit word in the field name -> (modality folded into price_kind, published unit, factor applied to the value)
UNITS: dict[str, tuple[str | None, str, float]] = {
    "token": (None, "usd_per_1m_tokens", 1e6),
    "audio_token": ("audio", "usd_per_1m_tokens", 1e6),
    "image_token": ("image", "usd_per_1m_tokens", 1e6),
    "video_token": ("video", "usd_per_1m_tokens", 1e6),
    "reasoning_token": ("reasoning", "usd_per_1m_tokens", 1e6),
    "1k_tokens": (None, "usd_per_1m_tokens", 1e3),
    "character": (None, "usd_per_1m_characters", 1e6),
    "pixel": ("image", "usd_per_1m_pixels", 1e6),
    "second": (None, "usd_per_second", 1.0),
    "audio_per_second": ("audio", "usd_per_second", 1.0),
    "video_per_second": ("video", "usd_per_second", 1.0),
    "image": ("image", "usd_per_image", 1.0),
    "query": (None, "usd_per_query", 1.0),
    "request": (None, "usd_per_request", 1.0),
    "page": (None, "usd_per_page", 1.0),
    "text_message": (None, "usd_per_message", 1.0),
    "session": (None, "usd_per_session", 1.0),
    "credit": (None, "usd_per_credit", 1.0),
    "unit": (None, "usd_per_unit", 1.0),
    "1k_calls": (None, "usd_per_1k_calls", 1.0),
    "gb_per_day": (None, "usd_per_gb_day", 1.0),
}
PRICE_UNITS = frozenset(unit for _, unit, _ in UNITS.values())

# service tiers as the map spells them -> published tier
TIERS = {
    "batches": "batch",
    "batch_requests": "batch",
    "flex": "flex",
    "priority": "priority",
    "ultrafast": "ultrafast",
    "balanced": "balanced",
    "decisions": "decisions",
}
STANDARD_TIER = "standard"

# a few "<what>_cost_per_<unit>" names read better under another price_kind
KIND_NAMES = {"search_context": "web_search"}

_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_FIELD = re.compile(
    rf"""^(?:
        (?P<io>input|output)_cost_per_(?P<io_unit>{_UNIT_ALT})
      | (?P<explicit>explicit_)?cache_(?P<cache>read|creation)_input_(?:(?P<cache_mod>audio|image)_)?token_cost
        (?:_per_(?P<cache_unit>audio|image)_token)?
      | (?P<other>[a-z][a-z_]*?)_cost_per_(?P<other_unit>{_UNIT_ALT})
      | cost_per_(?P<bare_unit>second)
    )(?P<rest>(?:_.+)?)$""",
    re.VERBOSE,
)
_QUALIFIER = re.compile(
    r"""_(?:
        above_(?P<tokens>\d+k)_tokens
      | above_(?P<hours>\d+)hr
      | above_(?P<seconds>\d+)s_interval
      | above_(?P<width>\d+)_and_(?P<height>\d+)_pixels
      | (?:and_)?(?P<premium>premium_image)
      | (?P<tier>batch_requests|batches|flex|priority|ultrafast|balanced|decisions)
      | (?P<cache_hit>cache_hit)
      | (?P<size>\d+(?:\.\d+)?[kKp]?)
    )(?=_|$)""",
    re.VERBOSE,
)


# a key of a dict-valued price, published as the price's condition: the real keys are search context sizes
# (search_context_size_low) and Bedrock guardrail units (contentPolicyUnits)
CONDITION_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{0,63}")


def condition_key_problem(key: str) -> tuple[str, str] | None:
    """Why a dict-valued price's key cannot be the condition of its price (rule, message), or None. An empty key
    would publish the price as the base price, and escapes or invisible code points would reach pages and
    terminals."""
    if hidden := hidden_code_points(key):
        return "condition_key_invalid", (
            f"a condition key must hold no invisible or control code points: {', '.join(hidden)}"
        )
    if not CONDITION_KEY.fullmatch(key):
        return "condition_key_invalid", (
            f"a condition key must be 1-64 letters, digits or _, starting with a letter or digit; got {visible(key)!r}"
        )
    return None


@dataclass(frozen=True)
class PriceField:
    price_kind: str
    unit: str
    factor: float  # published usd = map value * factor
    tier: str
    condition: str | None


def _kind(base: str, modality: str | None) -> str:
    if modality == "reasoning":
        return "reasoning"
    return f"{base}_{modality}" if modality else base


def parse_price_field(name: str) -> PriceField | None:
    match = _FIELD.match(name)
    if not match:
        return None
    if "dbu" in name.split("_"):
        return None  # Databricks Units are not dollars: kept in extra_fields, see the README
    if match["io"]:
        modality, unit, factor = UNITS[match["io_unit"]]
        kind = _kind(match["io"], modality)
    elif match["cache"]:
        _, unit, factor = UNITS["token"]
        kind = _kind(
            "cache_read" if match["cache"] == "read" else "cache_write", match["cache_mod"] or match["cache_unit"]
        )
    elif match["other"]:
        modality, unit, factor = UNITS[match["other_unit"]]
        kind = _kind(KIND_NAMES.get(match["other"], match["other"]), modality)
    else:
        _, unit, factor = UNITS[match["bare_unit"]]
        kind = "usage"

    tier, rest = STANDARD_TIER, match["rest"]
    conditions = ["explicit_cache"] if match["explicit"] else []
    pos = 0
    while pos < len(rest):
        q = _QUALIFIER.match(rest, pos)
        if not q:
            return None
        pos = q.end()
        if q["tokens"]:
            conditions.append(f"above_{q['tokens'].lower()}_tokens")
        elif q["hours"]:
            conditions.append(f"cache_ttl_{q['hours']}h")
        elif q["seconds"]:
            conditions.append(f"above_{q['seconds']}s_interval")
        elif q["width"]:
            conditions.append(f"above_{q['width']}x{q['height']}_pixels")
        elif q["premium"]:
            conditions.append("premium_image")
        elif q["tier"]:
            if tier != STANDARD_TIER:
                return None  # two service tiers in one name: not a shape we know
            tier = TIERS[q["tier"]]
        elif q["cache_hit"]:
            conditions.append("cache_hit")
        else:
            size = q["size"].lower()
            conditions.append(f"size_{size}" if unit == "usd_per_image" else f"resolution_{size}")
    return PriceField(kind, unit, factor, tier, ",".join(conditions) or None)
