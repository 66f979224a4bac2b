"""openrouter: OpenRouter's own statement of its routes, the models API (``GET /api/v1/models``, public, no key),
normalized into the same tables as the LiteLLM map. Route ``openrouter/<id>``, as the map names OpenRouter's routes.

Prices arrive as decimal strings in USD per token (per request, image or search for those keys) and are published
per 1M tokens. ``"0"`` is a real zero (a free model); ``"-1"`` says the price varies (a router such as
``openrouter/auto``): a warning reject, no price. Capabilities come from ``supported_parameters`` (the full list of
what the model accepts, so a parameter missing from it is a capability stated false) and from the modalities.
A bad value of one field is a per-field reject naming the model and the field; a model without an id is an entry
reject. Offline, models.dev's ``openrouter`` provider (generated from this API) stands in: ``offline_routes``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.identity.providers import load_provider_names, provider_display_name
from llm_catalog.identity.resolver import NO_MODEL_NAME, ModelResolver, default_resolver
from llm_catalog.normalized.fields import json_document
from llm_catalog.normalized.litellm.fields import ExtraFields
from llm_catalog.normalized.litellm.normalize import NormalizedMap
from llm_catalog.normalized.litellm.prices import PriceRows
from llm_catalog.normalized.litellm.rows import TableRows, as_json, storable
from llm_catalog.normalized.litellm.vocabulary import CORE_CAPABILITIES, DATE, MODALITIES, OUTPUT_VOCABULARY, ROUTE_ID
from llm_catalog.normalized.models_dev_routes import nonzero_limit, normalize_bundled
from llm_catalog.normalized.price_fields import STANDARD_TIER, PriceField
from llm_catalog.sources.fetch import read_location
from llm_catalog.text import hidden_message

SOURCE = "openrouter"
PROVIDER = "openrouter"
URL = "https://openrouter.ai/api/v1/models"
ENV = "LLM_CATALOG_OPENROUTER"  # a file or URL of the models API's answer instead of URL
ATTRIBUTION = "OpenRouter models API (https://openrouter.ai/api/v1/models)"
PRICE_VARIES = "-1"
# pricing key -> (price kind, published unit, factor from the stated unit)
PRICING_KEYS = {
    "prompt": ("input", "usd_per_1m_tokens", 1_000_000),
    "completion": ("output", "usd_per_1m_tokens", 1_000_000),
    "input_cache_read": ("cache_read", "usd_per_1m_tokens", 1_000_000),
    "input_cache_write": ("cache_write", "usd_per_1m_tokens", 1_000_000),
    "internal_reasoning": ("reasoning", "usd_per_1m_tokens", 1_000_000),
    "request": ("input", "usd_per_request", 1),
    "image": ("input_image", "usd_per_image", 1),
    "web_search": ("web_search", "usd_per_query", 1),
}
# a supported parameter -> the capability it states
PARAMETER_CAPABILITIES = {
    "tools": "function_calling",
    "tool_choice": "tool_choice",
    "parallel_tool_calls": "parallel_function_calling",
    "reasoning": "reasoning",
    "include_reasoning": "reasoning",
    "response_format": "response_schema",
    "structured_outputs": "response_schema",
    "web_search_options": "web_search",
}
MODALITY_CAPABILITIES = {
    ("input_modalities", "image"): "vision",
    ("input_modalities", "file"): "pdf_input",
    ("input_modalities", "audio"): "audio_input",
    ("input_modalities", "video"): "video_input",
    ("output_modalities", "audio"): "audio_output",
}
# top-level keys read into the tables; every other key is kept in extra_fields
READ_KEYS = frozenset(
    {"id", "context_length", "architecture", "pricing", "top_provider", "supported_parameters", "expiration_date"}
)
KNOWN_EXTRAS = frozenset(
    {
        "canonical_slug",
        "name",
        "created",
        "description",
        "hugging_face_id",
        "knowledge_cutoff",
        "default_parameters",
        "per_request_limits",
        "supported_parameters",
        "architecture.tokenizer",
        "architecture.instruct_type",
        "architecture.modality",
        "top_provider.context_length",
        "top_provider.is_moderated",
        "pricing.discount",
    }
)
NAME = re.compile(r"[a-z][a-z0-9_\-]{0,39}")


def price_value(text) -> float:
    """A price as OpenRouter writes it (a decimal string; a number is taken too) as a float; ValueError(rule,
    message) when it is not one."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError("price_not_a_number", f"a price must be a decimal string, got {type(text).__name__}")
    try:
        value = float(Decimal(text.strip() if isinstance(text, str) else repr(text)))
    except (InvalidOperation, ValueError, OverflowError):
        raise ValueError("price_not_a_number", "a price must be a decimal string") from None
    if not math.isfinite(value):
        raise ValueError("price_not_finite", "a price must be finite")
    return value


def stated_date(out: TableRows, route_id: str, field: str, value) -> date | None:
    """A YYYY-MM-DD date (or a timestamp's day); None, with a warning, when it is not one."""
    if value is None:
        return None
    if isinstance(value, str) and DATE.fullmatch(value[:10]):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    out.reject(route_id, field, value, "date_unparseable", "expected a YYYY-MM-DD date", "warning")
    return None


def stated_object(out: TableRows, route_id: str, field: str, value) -> dict:
    """A nested object of a model; {} (with a reject when it is something else) where there is none."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        out.reject(route_id, field, value, "not_an_object", f"{field} must be an object")
        return {}
    return value


def stated_modalities(out: TableRows, route_id: str, field: str, value) -> list[str] | None:
    """An architecture modality list, lower-cased and sorted; None, with a reject, when it is not a list of names."""
    where = f"architecture.{field}"
    if value is None:
        return None
    if not (isinstance(value, list) and value and all(isinstance(m, str) and NAME.fullmatch(m.lower()) for m in value)):
        listed = value if isinstance(value, list) else []
        hidden = [why for m in listed if isinstance(m, str) and (why := hidden_message(m, "a modality"))]
        rule, message = ("hidden_characters", hidden[0]) if hidden else ("modalities_not_a_list", "expected names")
        out.reject(route_id, where, value, rule, message)
        return None
    listed = sorted({m.lower() for m in value})
    vocabulary = (MODALITIES | {"file"}) if field == "input_modalities" else OUTPUT_VOCABULARY
    unknown = [m for m in listed if m not in vocabulary]
    if unknown:
        out.reject(route_id, where, value, "modality_unknown", f"unknown modality {unknown}", "warning")
    return listed


def rejected_name(out: TableRows, route_id: str, value) -> bool:
    """True, with a reject, when a display name holds a hidden code point (the site shows it as the model's name)."""
    why = isinstance(value, str) and hidden_message(value.strip(), "name")
    if why:
        out.reject(route_id, "name", value, "hidden_characters", why)
    return bool(why)


class OpenRouterModels:
    """Walks the models API's entries into ``out``."""

    def __init__(self, out: TableRows, resolver: ModelResolver, provider_names: dict[str, str], stats: Counter):
        self.out = out
        self.resolver = resolver
        self.provider_name = provider_display_name(PROVIDER, provider_names)
        self.stats = stats
        self.prices = PriceRows(out, ExtraFields(out))
        self.unknown: Counter = Counter()
        self.seen: set[str] = set()

    def route_id(self, index: int, model) -> str | None:
        """``openrouter/<id>``; None, with the model rejected under an entry rule, when it names no usable route."""
        where = f"{PROVIDER}/data[{index}]"
        if not isinstance(model, dict):
            self.out.reject(where, None, model, "not_an_object", "a model must be an object")
            return None
        model_id = model.get("id")
        if model_id is None:
            self.out.reject(where, "id", None, "missing_id", "the model states no id")
            return None
        route_id = f"{PROVIDER}/{model_id}" if isinstance(model_id, str) else None
        if not model_id or route_id is None or not ROUTE_ID.fullmatch(route_id):
            why = route_id is not None and hidden_message(model_id, "id")
            message = why or "id must be a string of printable characters, no whitespace, at most 256 with the prefix"
            self.out.reject(where, "id", model_id, "invalid_route_id", message)
            return None
        if route_id in self.seen:
            self.out.reject(route_id, "id", model_id, "route_duplicate", "the id is listed twice; the first is kept")
            return None
        self.seen.add(route_id)
        return route_id

    def model(self, index: int, model) -> None:
        route_id = self.route_id(index, model)
        if route_id is None:
            return
        resolution = self.resolver.resolve(route_id, PROVIDER)
        if not resolution.names_a_model:
            self.out.reject(route_id, "id", model.get("id"), "no_model_name", NO_MODEL_NAME)
            return
        if resolution.family is None:
            self.stats["routes_without_family"] += 1
        architecture = stated_object(self.out, route_id, "architecture", model.get("architecture"))
        top = stated_object(self.out, route_id, "top_provider", model.get("top_provider"))
        inputs = stated_modalities(self.out, route_id, "input_modalities", architecture.get("input_modalities"))
        outputs = stated_modalities(self.out, route_id, "output_modalities", architecture.get("output_modalities"))
        self.out.rows["routes"].append(
            {
                "route_id": route_id,
                "provider": PROVIDER,
                "provider_name": self.provider_name,
                "model": resolution.model,
                "base_model": resolution.base_model,
                "family": resolution.family,
                "model_version": resolution.model_version,
                "resolved_by": resolution.resolved_by,
                "mode": None,
                "input_modalities": None if inputs is None else sorted(set(inputs) - {"file"}) or None,
                "output_modalities": outputs,
                "modalities_stated": inputs is not None and outputs is not None,
                "region": resolution.region,
                "requires_own": resolution.requires_own,
                "alias_of": None,
                "duplicate_of": None,
                "deprecation_date": stated_date(self.out, route_id, "expiration_date", model.get("expiration_date")),
                "source_url": f"https://openrouter.ai/{route_id.removeprefix(PROVIDER + '/')}",
            }
        )
        self.out.rows["limits"].append(
            {
                "route_id": route_id,
                "context_window": nonzero_limit(self.out, route_id, "context_length", model.get("context_length")),
                "max_input_tokens": None,
                "max_output_tokens": nonzero_limit(
                    self.out, route_id, "top_provider.max_completion_tokens", top.get("max_completion_tokens")
                ),
                "max_tokens": None,
            }
        )
        self._capabilities(
            route_id, model.get("supported_parameters"), {"input_modalities": inputs, "output_modalities": outputs}
        )
        self._pricing(route_id, model.get("pricing"))
        for name, value in model.items():
            if name not in READ_KEYS or name == "supported_parameters":
                self._extra(route_id, name, value)
        for prefix, block, read in (
            ("architecture", architecture, ("input_modalities", "output_modalities")),
            ("top_provider", top, ("max_completion_tokens",)),
        ):
            for name, value in block.items():
                if name not in read:
                    self._extra(route_id, f"{prefix}.{name}", value)

    def _extra(self, route_id: str, name: str, value) -> None:
        """A field kept verbatim, flagged known when it is one the API documents (a name that may not be shown: not)."""
        if name == "name" and rejected_name(self.out, route_id, value):
            return
        known = name in KNOWN_EXTRAS
        if not known:
            self.unknown[name] += 1
        self.out.rows["extra_fields"].append(
            {"route_id": route_id, "field": storable(name), "value_json": as_json(value), "known": known}
        )

    def _capabilities(self, route_id: str, parameters, modalities: dict) -> None:
        stated: dict[str, bool | None] = {name: None for name in CORE_CAPABILITIES}
        if isinstance(parameters, list) and all(isinstance(p, str) for p in parameters):
            for capability in set(PARAMETER_CAPABILITIES.values()):
                stated[capability] = False
            for parameter in parameters:
                if parameter in PARAMETER_CAPABILITIES:
                    stated[PARAMETER_CAPABILITIES[parameter]] = True
        elif parameters is not None:
            message = "expected a list of parameter names"
            self.out.reject(route_id, "supported_parameters", parameters, "parameters_not_a_list", message)
        for (field, modality), capability in MODALITY_CAPABILITIES.items():
            if modalities[field] is not None:
                stated[capability] = modality in modalities[field]
        self.out.rows["capabilities"].extend(
            {"route_id": route_id, "capability": name, "supported": supported} for name, supported in stated.items()
        )

    def _pricing(self, route_id: str, pricing) -> None:
        if pricing is None:
            self.out.reject(route_id, "pricing", None, "missing_pricing", "the model states no prices", "warning")
            return
        if not isinstance(pricing, dict):
            self.out.reject(route_id, "pricing", pricing, "not_an_object", "pricing must be an object")
            return
        for key, value in pricing.items():
            field = f"pricing.{key}"
            if key not in PRICING_KEYS:
                self._extra(route_id, field, value)
                continue
            if value is None:
                continue
            if isinstance(value, str) and value.strip() == PRICE_VARIES:
                message = "-1: the price varies by request (a router); no price published"
                self.out.reject(route_id, field, value, "price_varies", message, "warning")
                continue
            try:
                usd_per_unit = price_value(value)
            except ValueError as exc:
                self.out.reject(route_id, field, value, *exc.args)
                continue
            kind, unit, factor = PRICING_KEYS[key]
            self.prices.price(route_id, field, usd_per_unit, PriceField(kind, unit, factor, STANDARD_TIER, None))


def parse_models(data: bytes, *, source: str = SOURCE) -> list:
    """The answer's ``data`` list; a BrokenPayloadError when the answer is not ``{"data": [...]}``."""
    document = json_document("/api/v1/models", data, source)
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise BrokenPayloadError(source, 'expected {"data": [model, ...]}', entry="/api/v1/models", field="data")
    return document["data"]


def normalize_openrouter(
    data: bytes | list,
    *,
    resolver: ModelResolver | None = None,
    provider_names: dict[str, str] | None = None,
    source: str = SOURCE,
) -> NormalizedMap:
    """The models API's answer (its bytes, or its ``data`` list) into the normalized tables."""
    models = parse_models(data, source=source) if isinstance(data, bytes) else data
    out, stats = TableRows(), Counter(entries_total=len(models))
    walker = OpenRouterModels(
        out,
        resolver or default_resolver(),
        load_provider_names() if provider_names is None else provider_names,
        stats,
    )
    for index, model in enumerate(models):
        walker.model(index, model)
    tables = out.tables()
    entry_rules = {"not_an_object", "missing_id", "invalid_route_id", "route_duplicate", "no_model_name"}
    return NormalizedMap(
        tables=tables,
        stats={
            **dict(stats),
            "routes": tables["routes"].num_rows,
            "prices": tables["prices"].num_rows,
            "entries_left_out": sum(
                1 for r in out.rows["rejects"] if r["field"] in (None, "id") and r["rule"] in entry_rules
            ),
            "rejects_by_rule": out.rejects_by_rule(),
            "unknown_fields": dict(walker.unknown.most_common()),
        },
    )


def fetch_models(url: str = URL, **options) -> bytes:
    """The models API's answer, read through the fetch helpers (timeouts, retries, payload limit)."""
    return read_location(url, source=SOURCE, **options)


def offline_routes(**options) -> NormalizedMap:
    """OpenRouter's routes as the bundled models.dev states them (its ``openrouter`` provider is generated from the
    models API): the stand-in when the API is not read."""
    return normalize_bundled(only_providers=["openrouter"], **options)


def normalize_payload(data: bytes, *, source: str, as_of: date | None = None) -> NormalizedMap:
    """The registry's normalize hook: the models API's answer into the tables."""
    return normalize_openrouter(data, source=source)
