"""The cost map's payload to entries: UTF-8 and JSON decoding, the depth cut, big integers and repeated keys; and
``value_problem``, why a parsed value cannot be stored."""

from __future__ import annotations

import json
import re

from llm_catalog.errors import SourceError
from llm_catalog.normalized.fields import keep_last, repeated_keys

SOURCE = "litellm"
# nesting below a field deeper than this is not a catalog value; the parser cuts it out before json.loads (which
# recurses) and the field is rejected (the real map nests 6 levels from the top)
MAX_DEPTH = 32
MAX_INT_DIGITS = 30  # a longer integer is out of any range here (and float() or str() of it can fail)
_TOO_DEEP = "\x00llm-catalog:too-deep:"  # what a cut-out subtree is replaced with, then rejected by the normalizer


class _BigInt(str):  # (its name shows in a reject's message: "a model entry must be an object, got _BigInt")
    """An integer literal of more than MAX_INT_DIGITS digits, kept as its text: out of range for every field."""


def is_big_int(value) -> bool:
    """An integer of more than MAX_INT_DIGITS digits in the map: text only to carry its digits, no name or id."""
    return isinstance(value, _BigInt)


def _parse_int(literal: str):
    return int(literal) if len(literal) <= MAX_INT_DIGITS else _BigInt(literal)


_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')  # a JSON string (skipped whole) or a bracket


def cut_deep(text: str, max_depth: int = MAX_DEPTH) -> str:
    """``text`` with every array or object nested deeper than ``max_depth`` replaced by a marker string, so that
    json.loads (which recurses once per level) never goes deeper, and the normalizer can reject that one field."""
    pieces, last, depth, cut_at, deepest = [], 0, 0, None, 0
    for match in _TOKEN.finditer(text):
        char = text[match.start()]
        if char in "[{":
            depth += 1
            if depth > max_depth and cut_at is None:
                cut_at = match.start()
            deepest = max(deepest, depth)
        elif char in "]}":
            if depth == max_depth + 1 and cut_at is not None:
                pieces += [text[last:cut_at], json.dumps(f"{_TOO_DEEP}{deepest}")]
                last, cut_at, deepest = match.end(), None, 0
            depth -= 1
    if cut_at is not None:  # a deep subtree never closed (a cut-off payload): cut it too, the rest fails to parse
        pieces += [text[last:cut_at], json.dumps(f"{_TOO_DEEP}{deepest}")]
        last = len(text)
    if not pieces:
        return text
    return "".join(pieces) + text[last:]


def value_problem(value) -> tuple[str, str] | None:
    """Why a field's value cannot be stored as it is (rule, message), or None. Walks the value without recursion
    (it is at most MAX_DEPTH deep after parsing): a cut-out subtree, an integer of too many digits, text (or a key)
    that UTF-8 cannot encode."""
    if value is None or isinstance(value, (bool, int, float)):
        return None  # most values: nothing to walk
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _BigInt):
            return "number_out_of_range", f"an integer of {len(item.lstrip('-'))} digits is out of range"
        if isinstance(item, str):
            if item.startswith(_TOO_DEEP):
                return "value_too_deep", (
                    f"nested {item.removeprefix(_TOO_DEEP)} levels deep in the map (the limit is {MAX_DEPTH})"
                )
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError as exc:
                    return "not_encodable", f"text that UTF-8 cannot encode ({exc.reason}: {item[exc.start]!r})"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def parse_payload(data: bytes, *, source: str = SOURCE) -> tuple[dict, list[tuple[str, list]]]:
    """Decode the map. Returns (entries, duplicates): LiteLLM keeps the last copy of a key repeated in the raw JSON
    text (as ``json.loads`` does); each repeated entry key is reported with every value it had. A key repeated
    inside an entry stays on its object, for ``repeated_fields`` to report against that entry."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(source, f"payload is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        entries = json.loads(cut_deep(text), object_pairs_hook=keep_last, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        head = text.lstrip()[:40].replace("\n", " ")
        hint = " (it looks like an HTML page)" if head.lower().startswith(("<!doctype", "<html")) else ""
        raise SourceError(
            source, f"payload is not valid JSON{hint}: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    if not isinstance(entries, dict):
        raise SourceError(source, f"expected a JSON object of model entries at the top, got a {type(entries).__name__}")
    if not entries:
        raise SourceError(source, "the map is an empty object: no model entries")
    return entries, list(repeated_keys(entries).items())
