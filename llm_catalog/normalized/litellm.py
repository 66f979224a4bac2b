"""Normalize the LiteLLM model cost map into the catalog's tables.

Every top-level entry and every field of it ends up in exactly one place: a typed table (routes, prices, limits,
capabilities), ``extra_fields`` (kept verbatim as JSON, flagged ``known`` or not), or ``rejects`` (with the rule it
broke). Nothing is dropped silently; ``NormalizedMap.stats`` counts each path.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.errors import SourceError
from llm_catalog.identity.resolver import ModelResolver, default_resolver
from llm_catalog.paths import PROVIDERS_CSV
from llm_catalog.normalized.price_fields import STANDARD_TIER, parse_price_field

SOURCE = "litellm"

LIMIT_FIELDS = ("max_input_tokens", "max_output_tokens", "max_tokens")
# shown on every model page: always published, with supported = null when the map is silent
CORE_CAPABILITIES = (
    "vision",
    "function_calling",
    "parallel_function_calling",
    "tool_choice",
    "prompt_caching",
    "reasoning",
    "response_schema",
    "system_messages",
    "audio_input",
    "audio_output",
    "web_search",
    "pdf_input",
    "video_input",
)
MODALITIES = frozenset({"text", "image", "audio", "video", "code"})
# what a mode takes and gives when the map does not list modalities; None: not known
MODE_MODALITIES: dict[str, tuple[list[str], list[str]]] = {
    "chat": (["text"], ["text"]),
    "completion": (["text"], ["text"]),
    "responses": (["text"], ["text"]),
    "embedding": (["text"], ["embedding"]),
    "image_generation": (["text"], ["image"]),
    "image_edit": (["text", "image"], ["image"]),
    "video_generation": (["text"], ["video"]),
    "audio_transcription": (["audio"], ["text"]),
    "audio_speech": (["text"], ["audio"]),
    "realtime": (["text", "audio"], ["text", "audio"]),
    "rerank": (["text"], ["ranking"]),
    "moderation": (["text"], ["classification"]),
    "search": (["text"], ["search_results"]),
    "ocr": (["image"], ["text"]),
}
OUTPUT_VOCABULARY = MODALITIES | {"embedding", "ranking", "classification", "search_results"}
# input modality implied by a capability flag, for chat-like modes
FLAG_INPUTS = {"supports_vision": "image", "supports_audio_input": "audio", "supports_video_input": "video"}

# fields the normalizer knows and keeps verbatim in extra_fields (anything else there is flagged known = false)
KNOWN_EXTRA_FIELDS = frozenset(
    """
    source metadata comment supported_endpoints supported_regions supported_audio_formats rpm tpm output_vector_size
    prompt_cache_min_tokens reasoning_contexts reasoning_effort_levels reasoning_modes default_reasoning_effort
    deprecation_source successor_model provider_specific_entry fedramp_uplift_multiplier
    regional_endpoint_uplift_multiplier regional_processing_uplift_multiplier_eu
    regional_processing_uplift_multiplier_us search_free_requests web_search_billing_unit thinking_always_on
    thinking_on_by_default bedrock_converse_supports_strict_tools bedrock_output_config_effort_ceiling
    gemini_audio_only_live gemini_native_audio use_openai_responses_path uses_embed_content vertex_ai_audio_api
    audio_transcription_config token_count_framing token_count_model token_count_responses_framing
    token_count_responses_tool_framing token_count_tokenizer token_count_tool_framing input_dbu_cost_per_token
    output_dbu_cost_per_token off_peak_pricing.windows off_peak_pricing.weekday_timezone
    """.split()
)
# rules that leave a whole entry out (the others act on one field, or only warn)
ENTRY_RULES = frozenset({"documentation_entry", "routing_rules", "not_an_object", "alias_target_missing",
                         "missing_provider", "invalid_provider", "invalid_route_id"})
# full-match patterns (re.fullmatch): `$` would also match before a trailing newline
PROVIDER_ID = re.compile(r"[A-Za-z0-9_.\-]+")
# a route id is the map's key: printable, no whitespace or control characters, no lone surrogates, 1-256 characters
ROUTE_ID = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,256}")
FIELD_NAME = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,200}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# plausibility bounds: a value past these is a unit mistake or a typo, left out as a per-field reject
MAX_TOKENS_LIMIT = 100_000_000  # no model has a 100M-token window
MAX_PRICE_USD = 1_000.0  # per published unit (per 1M tokens, per image, per second, ...); the real top is 600
# nesting below a field deeper than this is not a catalog value; the parser cuts it out before json.loads (which
# recurses) and the field is rejected (the real map nests 6 levels from the top)
MAX_DEPTH = 32
MAX_INT_DIGITS = 30  # a longer integer is out of any range here (and float() or str() of it can fail)
_TOO_DEEP = "\x00llm-catalog:too-deep:"  # what a cut-out subtree is replaced with, then rejected by the normalizer


@dataclass
class NormalizedMap:
    tables: dict[str, pa.Table]
    stats: dict = field(default_factory=dict)


class _Builder:
    """Collects rows per table while the entries are walked."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in schemas.NORMALIZED}

    def reject(self, route_id, field_name, value, rule, message, severity="error"):
        self.rows["rejects"].append(
            {
                "route_id": _storable(route_id),
                "field": _storable(field_name),
                "value": _json(value),
                "rule": rule,
                "message": message,
                "severity": severity,
            }
        )

    def tables(self) -> dict[str, pa.Table]:
        return {name: pa.Table.from_pylist(rows, schema=schemas.NORMALIZED[name]) for name, rows in self.rows.items()}


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, default=str, allow_nan=True)


def _storable(text: str | None) -> str | None:
    """``text`` as UTF-8 can store it: a lone surrogate (which JSON allows and UTF-8 does not) is spelled \\udXXX."""
    if text is None or text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class _BigInt(str):
    """An integer literal of more than MAX_INT_DIGITS digits, kept as its text: out of range for every field."""


def _parse_int(literal: str):
    return int(literal) if len(literal) <= MAX_INT_DIGITS else _BigInt(literal)


_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')  # a JSON string (skipped whole) or a bracket


def _cut_deep(text: str, max_depth: int = MAX_DEPTH) -> str:
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
                return "value_too_deep", (f"nested {item.removeprefix(_TOO_DEEP)} levels deep in the map (the limit "
                                          f"is {MAX_DEPTH})")
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


def load_provider_names(path=PROVIDERS_CSV) -> dict[str, str]:
    with open(path, newline="") as handle:
        return {row["provider"]: row["provider_name"] for row in csv.DictReader(handle)}


def _display_name(provider: str) -> str:
    return re.sub(r"[_\-]+", " ", provider).title()


def parse_payload(data: bytes, *, source: str = SOURCE) -> tuple[dict, list[tuple[str, list]]]:
    """Decode the map. Returns (entries, duplicates): LiteLLM keeps the last copy of a key repeated in the raw JSON
    text (as ``json.loads`` does); each repeated key is reported with every value it had."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(source, f"payload is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    duplicates: list[tuple[str, list]] = []

    def keep_last(pairs):
        seen: dict = {}
        for key, value in pairs:
            seen.setdefault(key, []).append(value)
        duplicates.extend((key, values) for key, values in seen.items() if len(values) > 1)
        return {key: values[-1] for key, values in seen.items()}

    try:
        entries = json.loads(_cut_deep(text), object_pairs_hook=keep_last, parse_int=_parse_int)
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
    return entries, duplicates


def _to_limit(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("limit_not_a_number", "a token limit must be a number")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ValueError("limit_not_integer", "a token limit must be a whole number")
    if value <= 0:
        raise ValueError("limit_not_positive", "a token limit must be positive")
    if value > MAX_TOKENS_LIMIT:  # compared before int(): int64 holds no 10**20, and 1e300 is a float
        raise ValueError("limit_implausible", f"a token limit above {MAX_TOKENS_LIMIT:,} is not plausible")
    return int(value)


def _to_price(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("price_not_a_number", f"a price must be a number, got {type(value).__name__}")
    value = float(value)  # integer zeros and floats alike
    if not math.isfinite(value):
        raise ValueError("price_not_finite", "a price must be finite")
    if value < 0:
        raise ValueError("price_negative", "a price must not be negative")
    return value


def _is_range(span) -> bool:
    return (isinstance(span, list) and len(span) == 2
            and all(not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x)
                    and x == int(x) and 0 <= x <= MAX_TOKENS_LIMIT for x in span)
            and span[0] <= span[1])


def _resolve_alias(key: str, entry: dict, entries: dict, depth: int = 0) -> tuple[dict | None, str | None]:
    """The entry an ``alias_of`` key points at: tried as written, then under the alias key's own prefix."""
    target = entry["alias_of"]
    if not isinstance(target, str):
        return None, None
    candidates = [target]
    if "/" in key:
        candidates.append(f"{key.split('/', 1)[0]}/{target}")
    for candidate in candidates:
        found = entries.get(candidate)
        if isinstance(found, dict):
            if "alias_of" in found and "litellm_provider" not in found and depth < 5:
                return _resolve_alias(candidate, found, entries, depth + 1)
            return found, candidate
    return None, None


class _EntryNormalizer:
    def __init__(self, out: _Builder, resolver: ModelResolver, provider_names: dict[str, str], stats: Counter):
        self.out = out
        self.resolver = resolver
        self.provider_names = provider_names
        self.stats = stats
        self.unknown_fields: Counter = Counter()
        self.price_fields: dict[tuple, str] = {}  # price key -> the field that stated it

    def price(self, route_id: str, source_field: str, value, parsed, *, tier=None, condition=None) -> None:
        try:
            # shift the decimal the map wrote (3e-08 -> 0.03), not its binary float (0.030000000000000002)
            usd = float(Decimal(repr(_to_price(value))) * Decimal(int(parsed.factor)))
            if not usd <= MAX_PRICE_USD:  # also inf: 1e308 per token is finite, per 1M tokens it is not
                raise ValueError("price_implausible", f"{usd:g} {parsed.unit} is above the plausible "
                                                      f"{MAX_PRICE_USD:,.0f}")
        except ValueError as exc:
            rule, message = exc.args
            self.out.reject(route_id, source_field, value, rule, message)
            return
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
        if key in self.price_fields:  # two spellings of one price (e.g. _batches and _batch_requests)
            self.out.reject(route_id, source_field, value, "price_duplicate",
                            f"states the same price as {self.price_fields[key]}, which is kept")
            return
        self.price_fields[key] = source_field
        self.out.rows["prices"].append(row)

    def extra(self, route_id: str, name: str, value) -> None:
        known = re.sub(r"\[\d+\]", "[]", name) in KNOWN_EXTRA_FIELDS
        if not known:
            self.unknown_fields[name] += 1
        self.out.rows["extra_fields"].append(
            {"route_id": route_id, "field": name, "value_json": _json(value), "known": known}
        )

    def priced_field(self, route_id: str, name: str, value, parsed, *, tier=None, prefix="") -> None:
        source_field = prefix + name
        if isinstance(value, dict):  # search_context_cost_per_query: {search_context_size_low: ...}
            for sub, sub_value in value.items():
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
                parsed = parse_price_field(name)
                if parsed is None:
                    self.extra(route_id, f"tiered_pricing[{i}].{name}", value)
                else:
                    self.price(route_id, f"tiered_pricing[{i}].{name}", value, parsed, condition=condition)

    def band_condition(self, route_id: str, where: str, band: dict) -> str | None:
        """A tier band's condition from its range (``tokens_0_to_256000``); None, with the band rejected, when it
        has no valid range: its prices could not be told from the base prices, so the band is left out whole."""
        for range_field, label in (("range", "tokens"), ("max_results_range", "max_results")):
            if range_field in band:
                span = band[range_field]
                if _is_range(span):
                    return f"{label}_{int(span[0])}_to_{int(span[1])}"
                message = f"{range_field} must be [from, to], whole numbers from 0 to {MAX_TOKENS_LIMIT:,}, from <= to"
                break
        else:
            message = "the band states no range or max_results_range"
        self.out.reject(route_id, where, band, "tier_range_invalid", f"{message}; the band is left out")
        return None

    def off_peak(self, route_id: str, block) -> None:
        if not isinstance(block, dict):
            self.extra(route_id, "off_peak_pricing", block)
            return
        for name, value in block.items():
            parsed = parse_price_field(name)
            if parsed is None:
                self.extra(route_id, f"off_peak_pricing.{name}", value)
            else:
                self.priced_field(route_id, name, value, parsed, tier="off_peak", prefix="off_peak_pricing.")

    def storable_fields(self, route_id: str, entry: dict) -> dict:
        """The entry without the fields whose name or value cannot be stored (each one rejected)."""
        kept = {}
        for name, value in entry.items():
            problem = value_problem(name) or value_problem(value)
            if problem is None and not FIELD_NAME.fullmatch(name):
                problem = ("field_name_invalid", "a field name must be 1-200 printable characters, no whitespace")
            if problem is None:
                kept[name] = value
                continue
            shown = str(value)[:80] if problem[0] in ("number_out_of_range", "value_too_deep") else value
            self.out.reject(route_id, name, shown, *problem)
        return kept

    def entry(self, route_id: str, entry: dict, alias_of: str | None) -> None:
        out = self.out
        entry = self.storable_fields(route_id, entry)
        provider = entry["litellm_provider"]
        mode = entry.get("mode")
        if mode is not None and not isinstance(mode, str):
            out.reject(route_id, "mode", mode, "mode_not_a_string", "mode must be a string")
            mode = None
        if mode is None:
            out.reject(route_id, "mode", None, "missing_mode", "the entry states no mode", severity="warning")
        resolution = self.resolver.resolve(route_id, provider)
        if resolution.family is None:
            self.stats["routes_without_family"] += 1
        if provider not in self.provider_names:
            self.stats["providers_without_display_name"] += 1

        limits = {name: None for name in LIMIT_FIELDS}
        capabilities: dict[str, bool | None] = {name: None for name in CORE_CAPABILITIES}
        stated_inputs = stated_outputs = None
        deprecation = source_url = None

        for name, value in entry.items():
            if name in ("litellm_provider", "mode", "alias_of"):
                continue
            if name == "source" and isinstance(value, str) and value.startswith(("http://", "https://")):
                source_url = value
            elif name == "deprecation_date":
                if isinstance(value, str) and _DATE.fullmatch(value):
                    try:
                        deprecation = date.fromisoformat(value)
                        continue
                    except ValueError:
                        pass
                out.reject(route_id, name, value, "date_unparseable", "expected a YYYY-MM-DD date", "warning")
            elif name in ("supported_modalities", "supported_output_modalities"):
                vocabulary = MODALITIES if name == "supported_modalities" else OUTPUT_VOCABULARY
                if isinstance(value, list) and value and all(isinstance(m, str) for m in value):
                    listed = sorted({m.lower() for m in value})
                    unknown = [m for m in listed if m not in vocabulary]
                    if unknown:
                        out.reject(route_id, name, value, "modality_unknown", f"unknown modality {unknown}", "warning")
                    if name == "supported_modalities":
                        stated_inputs = listed
                    else:
                        stated_outputs = listed
                else:
                    out.reject(route_id, name, value, "modalities_not_a_list", "expected a list of modality names")
            elif name in LIMIT_FIELDS:
                try:
                    limits[name] = _to_limit(value)
                except ValueError as exc:
                    out.reject(route_id, name, value, *exc.args)
            elif name.startswith("supports_"):
                if isinstance(value, bool):
                    capabilities[name.removeprefix("supports_")] = value
                else:
                    out.reject(route_id, name, value, "capability_not_boolean", "a supports_* flag must be true or false")
            elif name == "tiered_pricing":
                self.tiered_pricing(route_id, value)
            elif name == "off_peak_pricing":
                self.off_peak(route_id, value)
            elif (parsed := parse_price_field(name)) is not None:
                self.priced_field(route_id, name, value, parsed)
            else:
                self.extra(route_id, name, value)

        inputs, outputs = self.modalities(mode, entry, stated_inputs, stated_outputs)
        out.rows["routes"].append(
            {
                "route_id": route_id,
                "provider": provider,
                "provider_name": self.provider_names.get(provider) or _display_name(provider),
                "model": resolution.model,
                "base_model": resolution.base_model,
                "family": resolution.family,
                "model_version": resolution.model_version,
                "resolved_by": resolution.resolved_by,
                "mode": mode,
                "input_modalities": inputs,
                "output_modalities": outputs,
                "modalities_stated": stated_inputs is not None and stated_outputs is not None,
                "region": resolution.region,
                "alias_of": alias_of,
                "duplicate_of": None,
                "deprecation_date": deprecation,
                "source_url": source_url,
            }
        )
        # the map calls the input budget max_input_tokens; older entries only have the legacy max_tokens
        context = limits["max_input_tokens"] or limits["max_tokens"]
        out.rows["limits"].append({"route_id": route_id, "context_window": context, **limits})
        out.rows["capabilities"].extend(
            {"route_id": route_id, "capability": cap, "supported": supported} for cap, supported in capabilities.items()
        )

    @staticmethod
    def modalities(mode, entry, stated_inputs, stated_outputs):
        inferred = MODE_MODALITIES.get(mode)
        inputs, outputs = stated_inputs, stated_outputs
        if inputs is None and inferred:
            inputs = list(inferred[0])
            if mode in ("chat", "completion", "responses", "realtime"):
                inputs += [m for flag, m in FLAG_INPUTS.items() if entry.get(flag) is True and m not in inputs]
            if mode == "embedding" and entry.get("supports_embedding_image_input") is True:
                inputs.append("image")
            inputs = sorted(inputs)
        if outputs is None and inferred:
            outputs = list(inferred[1])
            if mode in ("chat", "responses") and entry.get("supports_audio_output") is True:
                outputs.append("audio")
            outputs = sorted(outputs)
        return inputs, outputs


def _entry_fingerprint(entry: dict) -> str:
    content = {k: v for k, v in entry.items() if k not in ("source", "metadata", "comment")}
    return hashlib.sha256(_json(content).encode()).hexdigest()


def normalize(
    entries: dict,
    *,
    duplicates: list[tuple[str, list]] | None = None,
    resolver: ModelResolver | None = None,
    provider_names: dict[str, str] | None = None,
) -> NormalizedMap:
    """Turn parsed map entries into the catalog tables (see the module docstring for the policy)."""
    resolver = resolver or default_resolver()
    provider_names = load_provider_names() if provider_names is None else provider_names
    out = _Builder()
    stats: Counter = Counter(entries_total=len(entries))
    walker = _EntryNormalizer(out, resolver, provider_names, stats)
    groups: dict[tuple, list[str]] = defaultdict(list)

    for key, values in duplicates or []:
        out.reject(
            key, None, values, "duplicate_key",
            f"key appears {len(values)} times in the raw JSON; the last copy is used, as LiteLLM does",
            severity="warning",
        )

    lowered: dict[str, list[str]] = defaultdict(list)
    for key in entries:
        lowered[key.lower()].append(key)

    for key, value in entries.items():
        if not ROUTE_ID.fullmatch(key):
            out.reject(key, None, value, "invalid_route_id",
                       "a route id must be 1-256 printable characters with no whitespace, control characters or "
                       f"lone surrogates; got {_storable(key)!r}")
            continue
        if key == "sample_spec":  # left out by design: severity info, not an error of the source
            out.reject(key, None, value, "documentation_entry", "sample_spec documents the map's fields; not a model",
                       severity="info")
            continue
        if not isinstance(value, dict):
            out.reject(key, None, value, "not_an_object", f"a model entry must be an object, got {type(value).__name__}")
            continue
        entry, alias_of = value, None
        if "alias_of" in value and "litellm_provider" not in value:
            entry, alias_of = _resolve_alias(key, value, entries)
            if entry is None:
                out.reject(key, "alias_of", value.get("alias_of"), "alias_target_missing",
                           "alias_of names no model entry in the map")
                continue
            entry = {**entry, **{k: v for k, v in value.items() if k != "alias_of"}}
        provider = entry.get("litellm_provider")
        if provider is None and "rules" in entry:
            out.reject(key, None, value, "routing_rules", "a block of routing rules, not a model entry",
                       severity="info")
            continue
        if provider is None:
            out.reject(key, "litellm_provider", None, "missing_provider", "the entry names no litellm_provider")
            continue
        # (a _BigInt is text only to carry its digits: a 31-digit number is no provider id)
        if not isinstance(provider, str) or isinstance(provider, _BigInt) or not PROVIDER_ID.fullmatch(provider):
            out.reject(key, "litellm_provider", provider, "invalid_provider", "litellm_provider is not a provider id")
            continue
        if len(lowered[key.lower()]) > 1:
            others = [k for k in lowered[key.lower()] if k != key]
            out.reject(key, None, None, "case_duplicate_key",
                       f"another key differs only by case: {others}; both are published", severity="warning")
        walker.entry(key, entry, alias_of)
        resolution = resolver.resolve(key, provider)
        groups[(provider, resolution.base_model, resolution.model_version, _entry_fingerprint(entry))].append(key)

    tables = out.tables()
    tables["routes"] = _mark_duplicates(tables["routes"], groups)
    stats["routes"] = tables["routes"].num_rows
    stats["duplicate_routes"] = sum(len(keys) - 1 for keys in groups.values())
    rejected = Counter((r["rule"], r["severity"]) for r in out.rows["rejects"])
    stats["entries_left_out"] = sum(1 for r in out.rows["rejects"] if r["rule"] in ENTRY_RULES)
    return NormalizedMap(
        tables=tables,
        stats={
            **dict(stats),
            "rejects_by_rule": {f"{rule} ({sev})": n for (rule, sev), n in sorted(rejected.items())},
            "unknown_fields": dict(walker.unknown_fields.most_common()),
        },
    )


def _mark_duplicates(routes: pa.Table, groups: dict[tuple, list[str]]) -> pa.Table:
    """Same provider, same base model and version, same data: every key but the shortest points at the shortest."""
    canonical = {}
    for keys in groups.values():
        if len(keys) > 1:
            first = min(keys, key=lambda k: (len(k), k))
            canonical.update({k: first for k in keys if k != first})
    column = [canonical.get(route_id) for route_id in routes.column("route_id").to_pylist()]
    index = routes.schema.get_field_index("duplicate_of")
    return routes.set_column(index, routes.schema.field(index), pa.array(column, pa.string()))
