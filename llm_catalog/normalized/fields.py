"""Checking a source's values field by field, for every source parser but litellm's: each bad value raises a
BrokenPayloadError naming the source, the entry and the field."""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime

from llm_catalog.errors import BrokenPayloadError

# a reasoning effort written after a model's name: "o3 (high)"
REASONING_EFFORT = re.compile(
    r"\s*\((?P<effort>minimal|low|medium|high|xhigh|max|thinking|reasoning|non-reasoning)\)\s*$", re.I
)
# a reasoning effort (or thinking mode) a leaderboard writes into a model's name: "gpt-5-high", "claude-opus-4-1-
# 20250805-thinking-16k", "qwen3-235b-a22b-no-thinking", "mimo-v2-flash (thinking)", "muse-spark-1.2 (xHigh)",
# "gemini-3-flash (thinking-minimal)", and before a date, "deepseek-v4-pro-high-20260813". A harness in brackets
# ("gpt-5.5 (codex-harness)") is not an effort: the figure is of another system than the model alone.
NAME_EFFORT = re.compile(
    r"(?:-(?P<dashed>(?:xhigh|high|max|medium|low|minimal|instant|no-thinking|non-thinking|thinking)(?:-\d+k)?)"
    r"|\s*\((?P<bracketed>(?:thinking-)?(?:xhigh|high|max|medium|low|minimal)|thinking|non-thinking)\))"
    r"(?P<date>-\d{8})?$",
    re.I,
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?")  # a date, or a timestamp whose day is taken
_MONTH = re.compile(r"\d{4}-[01]\d(?:-[0-3]\d)?")


def split_effort(name: str) -> tuple[str, str | None]:
    """(the name without its reasoning-effort suffix, the effort lowercased) by NAME_EFFORT; (name, None) when it
    has none. A date after the effort stays: ``deepseek-v4-pro-high-20260813`` is ``deepseek-v4-pro-20260813``."""
    found = NAME_EFFORT.search(name)
    if not found or found.start() == 0:
        return name, None
    return name[: found.start()] + (found["date"] or ""), (found["dashed"] or found["bracketed"]).lower()


def typed(value, kind, *, source: str, entry: str, field: str, required: bool = False):
    """``value`` when it is a ``kind`` (float: any int or float but a bool), None when absent and not required."""
    if value is None:
        if required:
            raise BrokenPayloadError(source, "missing", entry=entry, field=field)
        return None
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = is_number if kind is float else isinstance(value, kind)
    if not ok:
        raise BrokenPayloadError(
            source, f"expected {getattr(kind, '__name__', kind)}, got {value!r}", entry=entry, field=field
        )
    return value


def number(value, *, source: str, entry: str, field: str) -> float | None:
    """A finite number as a float; None when absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BrokenPayloadError(source, f"expected a finite number, got {value!r}", entry=entry, field=field)
    return float(value)


def day(value, *, source: str, entry: str, field: str) -> date | None:
    """A YYYY-MM-DD date (YAML and TOML dates arrive as dates, JSON and quoted values as text; a timestamp gives its
    day); None when absent."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise BrokenPayloadError(
            source, f"expected a YYYY-MM-DD date, got {value!r}", entry=entry, field=field
        ) from exc


def month(value, *, source: str, entry: str, field: str) -> str | None:
    """A knowledge cutoff or release date as the source gives it: YYYY-MM or YYYY-MM-DD; None when absent."""
    if value in (None, ""):
        return None
    text = value.isoformat() if isinstance(value, date) else str(value)
    if not _MONTH.fullmatch(text):
        raise BrokenPayloadError(source, f"expected YYYY-MM or YYYY-MM-DD, got {value!r}", entry=entry, field=field)
    return text


class _Repeated(dict):
    """A parsed JSON object in which some key appears more than once: the last copy of each is kept, and
    ``repeated`` holds every value such a key had, so that whoever reads the object can report it."""

    repeated: dict[str, list]


def keep_last(pairs: list[tuple[str, object]]) -> dict:
    """``json.loads``' object_pairs_hook: the last copy of a repeated key wins (as in ``json.loads`` and LiteLLM),
    and the object remembers every copy (``repeated_keys``)."""
    seen: dict[str, list] = {}
    for key, value in pairs:
        seen.setdefault(key, []).append(value)
    if len(seen) == len(pairs):
        return {key: values[0] for key, values in seen.items()}
    kept = _Repeated((key, values[-1]) for key, values in seen.items())
    kept.repeated = {key: values for key, values in seen.items() if len(values) > 1}
    return kept


def repeated_keys(obj) -> dict[str, list]:
    """The keys repeated in ``obj`` itself (not in its nested objects), with every value each had."""
    return obj.repeated if isinstance(obj, _Repeated) else {}


def repeated_fields(entry: dict) -> list[tuple[str, list]]:
    """Every key repeated anywhere inside an entry, as (the field's path, every value it had), in path order:
    ``input_cost_per_token``, ``tiered_pricing[0].range``, ``search_context_cost_per_query.search_context_size_low``."""
    found, stack = [], [("", entry)]
    while stack:  # no recursion: the depth cut bounds the nesting, not the stack of the interpreter
        path, item = stack.pop()
        if isinstance(item, dict):
            found.extend((f"{path}.{key}" if path else key, values) for key, values in repeated_keys(item).items())
            stack.extend((f"{path}.{key}" if path else key, value) for key, value in item.items())
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", value) for i, value in enumerate(item))
    return sorted(found, key=lambda pair: pair[0])


def json_document(entry: str, raw: bytes, source: str):
    """One JSON document of a payload (``entry`` names it: a file of a tree, or the payload itself). A key repeated
    inside one object is a BrokenPayloadError naming it, as any bad value of these sources is: which copy the
    source means is not known, and keeping one without a word would drop the other silently."""
    repeated = []

    def keep_last_noting(pairs):
        kept = keep_last(pairs)
        repeated.extend(repeated_keys(kept))
        return kept

    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=keep_last_noting)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BrokenPayloadError(source, f"not valid JSON: {exc}", entry=entry) from exc
    if repeated:  # only then is the document walked for where they are
        path, values = repeated_fields(document)[0]
        raise BrokenPayloadError(
            source, f"the key appears {len(values)} times in one object: {values!r:.200}", entry=entry, field=path
        )
    return document
