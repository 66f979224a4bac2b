"""genai-prices (pydantic, MIT) normalized into the catalog's tables (``NormalizedMap``, the shape of the LiteLLM
map's): one route per provider and model, ``<catalog provider>/<model id>``, its prices in the catalog's vocabulary
(genai_prices_prices), its context window, and what has no column (name, description, price comments, deprecated,
match rules, scheduled prices, variants the catalog has no tier for) in ``extra_fields``.

The data is read by genai_prices_ast (parsed, never run). Providers map onto the catalog's ids through
``data/provider_names/genai_prices.csv`` (``source_provider,provider,model_prefix``): a row's ``source_provider`` is
genai-prices' provider id, or ``<id>/<start of a model id>`` for the models of that provider whose id starts so
(Google's ``claude-*`` models are Vertex AI's, the others the Gemini API's); ``model_prefix`` goes before the model id
in the route (``huggingface/together/<model>``). A provider with no row keeps its own id, lower-cased, and is counted.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from llm_catalog.errors import SourceError
from llm_catalog.identity.providers import load_provider_names, provider_display_name
from llm_catalog.identity.resolver import NO_MODEL_NAME, ModelResolver, default_resolver
from llm_catalog.normalized.genai_prices_ast import SOURCE, read_genai_prices
from llm_catalog.normalized.genai_prices_prices import (
    PRICE_KEYS,
    VARIANT_TIERS,
    PriceKey,
    PriceProblem,
    above_condition,
    constraint,
    price_usd,
)
from llm_catalog.normalized.genai_prices_time import resolve_conditional
from llm_catalog.normalized.litellm.fields import token_limit
from llm_catalog.normalized.litellm.normalize import NormalizedMap
from llm_catalog.normalized.litellm.rows import TableRows, as_json
from llm_catalog.normalized.litellm.vocabulary import PROVIDER_ID, ROUTE_ID
from llm_catalog.paths import DATA_DIR
from llm_catalog.text import hidden_message, web_link

BUNDLED_DIR = DATA_DIR / "genai_prices"
ATTRIBUTION = "genai-prices by Pydantic (https://github.com/pydantic/genai-prices), MIT"
ENV = "LLM_CATALOG_GENAI_PRICES"  # a file or URL of its data.json (or data.py) instead of the bundled copy
PROVIDER_NAMES_CSV = DATA_DIR / "provider_names" / "genai_prices.csv"
# ModelInfo's fields kept in extra_fields as they are; any other field is kept too, flagged known = false
EXTRA_MODEL_FIELDS = ("name", "description", "price_comments", "deprecated", "match")
ENTRY_RULES = frozenset(
    {"not_an_object", "missing_id", "invalid_route_id", "duplicate_route", "missing_provider", "no_model_name"}
)


def bundled_data(folder: Path = BUNDLED_DIR) -> tuple[bytes, dict]:
    """The bundled data.py (uncompressed), checked against its SOURCE.json's sha256, and that SOURCE.json."""
    meta = json.loads((folder / "SOURCE.json").read_text())
    data = gzip.decompress((folder / meta["copy"]).read_bytes())
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        raise SourceError(SOURCE, f"bundled {folder / meta['copy']} does not match the sha256 in its SOURCE.json")
    return data, meta


def load_provider_map(path: Path = PROVIDER_NAMES_CSV) -> dict[str, tuple[str, str]]:
    """``source_provider`` (or ``<id>/<model id start>``) -> (catalog provider, model prefix)."""
    with open(path, newline="") as handle:
        return {
            row["source_provider"]: (row["provider"], row.get("model_prefix") or "") for row in csv.DictReader(handle)
        }


def catalog_provider(source_provider: str, model_id: str, mapping: dict) -> tuple[str, str, bool]:
    """(catalog provider, model prefix, mapped) for one model of ``source_provider``; the longest model-id rule wins."""
    rules = [k for k in mapping if k.startswith(f"{source_provider}/") and model_id.startswith(k.split("/", 1)[1])]
    if rules:
        return (*mapping[max(rules, key=len)], True)
    if source_provider in mapping:
        return (*mapping[source_provider], True)
    return source_provider.lower(), "", False


class _Walker:
    def __init__(self, out: TableRows, as_of: date, stats: Counter) -> None:
        self.out, self.as_of, self.stats = out, as_of, stats
        self.priced: dict[tuple, str] = {}
        self.unknown: Counter = Counter()

    def extra(self, route_id: str, field: str, value, known: bool = True) -> None:
        self.out.rows["extra_fields"].append(
            {"route_id": route_id, "field": field, "value_json": as_json(value), "known": known}
        )
        if not known:
            self.unknown[field.rsplit(".", 1)[-1]] += 1

    def prices(self, route_id: str, stated: list[tuple[str, object, str]], tier: str) -> None:
        """Rows of ``prices`` from (key, value, where the key is) triples of one tier."""
        for key, value, at in stated:
            spec = PRICE_KEYS.get(key)
            field = f"{at}.{key}" if at else key
            if spec is None:
                self.extra(route_id, field, value, known=False)
            elif isinstance(value, dict) and set(value) == {"base", "tiers"}:
                self.tiered(route_id, field, value, spec, tier)
            else:
                self.price(route_id, field, value, spec, tier, spec.condition)

    def tiered(self, route_id: str, field: str, value: dict, spec: PriceKey, tier: str) -> None:
        self.price(route_id, f"{field}.base", value["base"], spec, tier, spec.condition)
        if not isinstance(value["tiers"], list):
            self.out.reject(route_id, f"{field}.tiers", value["tiers"], "tiers_not_a_list", "expected a list of tiers")
            return
        for i, band in enumerate(value["tiers"]):
            where = f"{field}.tiers[{i}]"
            if not isinstance(band, dict) or set(band) != {"start", "price"}:
                self.out.reject(route_id, where, band, "tier_invalid", "a tier is {start, price}; left out")
                continue
            try:
                above = above_condition(band["start"])
            except PriceProblem as problem:
                self.out.reject(route_id, where, band, *problem.args)
                continue
            condition = ",".join(c for c in (above, spec.condition) if c)
            self.price(route_id, where, band["price"], spec, tier, condition)

    def price(self, route_id: str, field: str, value, spec: PriceKey, tier: str, condition: str | None) -> None:
        try:
            usd, warning = price_usd(value, spec)
        except PriceProblem as problem:
            self.out.reject(route_id, field, value, *problem.args)
            return
        if warning:
            self.out.reject(route_id, field, value, "price_unusual", warning, severity="warning")
        key = (route_id, spec.price_kind, tier, condition, spec.unit)
        if key in self.priced:
            message = f"states the same price as {self.priced[key]}, which is kept"
            self.out.reject(route_id, field, value, "price_duplicate", message)
            return
        self.priced[key] = field
        row = {"route_id": route_id, "price_kind": spec.price_kind, "tier": tier, "condition": condition}
        self.out.rows["prices"].append({**row, "unit": spec.unit, "usd": usd, "source_field": field})

    def conditional(self, route_id: str, raw) -> None:
        if isinstance(raw, dict):
            self.prices(route_id, [(k, v, "") for k, v in raw.items()], "standard")
            return
        resolved = resolve_conditional(self.out, route_id, raw, self.as_of)
        for tier, index, chosen in resolved.published:
            self.prices(route_id, [(k, v, f"prices[{index}]") for k, v in chosen.items()], tier)
        for field, value in resolved.extras:
            self.extra(route_id, field, value)
        self.stats["prices_scheduled"] += resolved.scheduled
        self.stats["routes_with_off_peak"] += any(tier == "off_peak" for tier, _, _ in resolved.published)

    def variants(self, route_id: str, raw) -> None:
        if raw is None:
            return
        if not isinstance(raw, list):
            self.out.reject(route_id, "price_variants", raw, "variants_not_a_list", "expected a list of variants")
            return
        by_tier: dict[str, dict[str, tuple]] = defaultdict(dict)
        for i, variant in enumerate(raw):
            where = f"price_variants[{i}]"
            if not (isinstance(variant, dict) and isinstance(variant.get("when"), dict)):
                self.out.reject(route_id, where, variant, "variant_invalid", "a variant is {when, prices, constraint}")
                continue
            if not isinstance(variant.get("prices"), dict):
                self.out.reject(route_id, where, variant, "variant_invalid", "a variant's prices must be an object")
                continue
            when = variant["when"]
            if when == {"service_tier": "default"} and not variant["prices"]:
                continue  # the standard price, stated as a variant
            tier = VARIANT_TIERS.get(next(iter(when.items()))) if len(when) == 1 else None
            try:
                applies = constraint(variant.get("constraint"))
            except PriceProblem as problem:
                self.out.reject(route_id, where, variant, *problem.args)
                continue
            if tier is None or applies.window is not None or not applies.active(self.as_of, None):
                self.extra(route_id, where, variant)  # no tier for it, or not in force on as_of
                self.stats["variants_kept_as_extra_fields"] += 1
                continue
            for key, value in variant["prices"].items():  # resolved first to last, per key, as genai-prices does
                by_tier[tier].setdefault(key, (value, where))
        for tier, keyed in by_tier.items():
            self.prices(route_id, [(k, v, at) for k, (v, at) in keyed.items()], tier)

    def limits(self, route_id: str, value) -> int | None:
        if value is None:
            return None
        try:
            window = token_limit(value)
        except ValueError as exc:
            self.out.reject(route_id, "context_window", value, *exc.args)
            return None
        if window == 0:
            self.out.reject(route_id, "context_window", value, "limit_zero", "0 is not a window", severity="warning")
            return None
        return window


def normalize(
    providers: list[dict],
    *,
    as_of: date,
    resolver: ModelResolver | None = None,
    provider_names: dict[str, str] | None = None,
    provider_map: dict[str, tuple[str, str]] | None = None,
) -> NormalizedMap:
    """genai-prices' providers (genai_prices_ast's form) as the catalog's tables, prices as they stand on ``as_of``."""
    resolver = resolver or default_resolver()
    provider_names = load_provider_names() if provider_names is None else provider_names
    provider_map = load_provider_map() if provider_map is None else provider_map
    out, stats = TableRows(), Counter(providers_total=len(providers))
    walker, seen, unmapped = _Walker(out, as_of, stats), set(), set()
    for p_index, provider in enumerate(providers):
        source_provider = provider.get("id")
        if not isinstance(source_provider, str) or not isinstance(provider.get("models"), list):
            label = source_provider if isinstance(source_provider, str) else f"providers[{p_index}]"
            out.reject(label, "id", source_provider, "missing_provider", "a provider needs an id and a models list")
            continue
        for index, model in enumerate(provider["models"]):
            stats["entries_total"] += 1
            route_id = _route(out, provider, index, model, provider_map, seen, unmapped)
            if route_id is not None:
                _model(walker, resolver, provider_names, provider, model, route_id)
    tables = out.tables()
    stats.update(routes=tables["routes"].num_rows, prices=tables["prices"].num_rows)
    stats["entries_left_out"] = sum(1 for r in out.rows["rejects"] if r["rule"] in ENTRY_RULES)
    stats["providers_unmapped"] = len(unmapped)
    stats["providers_mapped"] = len({p.get("id") for p in providers if isinstance(p.get("id"), str)} - unmapped)
    return NormalizedMap(
        tables=tables,
        stats={
            **dict(stats),
            "providers_unmapped_ids": sorted(unmapped),
            "rejects_by_rule": out.rejects_by_rule(),
            "unknown_fields": dict(walker.unknown.most_common()),
        },
    )


def _route(out, provider: dict, index: int, model, provider_map, seen: set, unmapped: set) -> str | None:
    """The route id of one model, or None with the entry rejected."""
    source_provider = provider["id"]
    if not isinstance(model, dict):
        out.reject(f"{source_provider}/models[{index}]", None, model, "not_an_object", "a model must be an object")
        return None
    model_id = model.get("id")
    if not isinstance(model_id, str) or not model_id:
        out.reject(f"{source_provider}/models[{index}]", "id", model_id, "missing_id", "the model states no id")
        return None
    catalog, prefix, mapped = catalog_provider(source_provider, model_id, provider_map)
    if not mapped:
        unmapped.add(source_provider)
    if not PROVIDER_ID.fullmatch(catalog):
        message = hidden_message(source_provider, "the provider id") or "the provider id is not a provider id"
        out.reject(f"{source_provider}/models[{index}]", "provider.id", source_provider, "invalid_provider", message)
        return None
    route_id = f"{catalog}/{prefix}{model_id}"
    if not ROUTE_ID.fullmatch(route_id):
        message = hidden_message(model_id, "id") or (
            "a route id must be 1-256 printable characters with no whitespace or control characters"
        )
        out.reject(f"{source_provider}/models[{index}]", "id", model_id, "invalid_route_id", message)
        return None
    if route_id in seen:
        out.reject(route_id, "id", model_id, "duplicate_route", "another model of the data has this route; left out")
        return None
    seen.add(route_id)
    return route_id


def _model(walker: _Walker, resolver, provider_names, provider: dict, model: dict, route_id: str) -> None:
    out = walker.out
    catalog = route_id.split("/", 1)[0]
    resolution = resolver.resolve(route_id, catalog)
    if not resolution.names_a_model:
        out.reject(route_id, "id", model.get("id"), "no_model_name", NO_MODEL_NAME)
        return
    walker.stats["routes_without_family"] += resolution.family is None
    own_name = provider.get("name") if isinstance(provider.get("name"), str) else None
    if own_name is not None and (why := hidden_message(own_name, "the provider's name")):
        out.reject(route_id, "provider.name", own_name, "hidden_characters", why)
        own_name = None
    name = provider_names.get(catalog) or own_name or provider_display_name(catalog, provider_names)
    urls = provider.get("pricing_urls")
    url = urls[0] if isinstance(urls, list) and urls and isinstance(urls[0], str) else None
    if url is not None and web_link(url) is None:
        message = "pricing_urls[0] is not an absolute http(s) URL a page may link to; left out"
        out.reject(route_id, "provider.pricing_urls[0]", url, "url_not_a_web_link", message)
        url = None
    out.rows["routes"].append(
        {
            **{"route_id": route_id, "provider": catalog, "provider_name": name, "model": resolution.model},
            **{"base_model": resolution.base_model, "family": resolution.family},
            **{"model_version": resolution.model_version, "resolved_by": resolution.resolved_by},
            **{"mode": None, "input_modalities": None, "output_modalities": None, "modalities_stated": False},
            **{"region": resolution.region, "requires_own": resolution.requires_own},
            **{"alias_of": None, "duplicate_of": None, "deprecation_date": None},
            "source_url": url,
        }
    )
    window = walker.limits(route_id, model.get("context_window"))
    out.rows["limits"].append(
        {"route_id": route_id, "context_window": window, "max_input_tokens": window}
        | {"max_output_tokens": None, "max_tokens": None}
    )
    if "prices" not in model:
        out.reject(route_id, "prices", None, "missing_prices", "the model states no prices", severity="warning")
    elif isinstance(model["prices"], (dict, list)):
        walker.conditional(route_id, model["prices"])
    else:
        out.reject(route_id, "prices", model["prices"], "prices_invalid", "prices must be an object or a list")
    walker.variants(route_id, model.get("price_variants"))
    known = {"id", "context_window", "prices", "price_variants", *EXTRA_MODEL_FIELDS}
    for field, value in model.items():
        # surrounding whitespace is not refused: real names end in a tab (novita's llama-3.2-1b-instruct)
        if field == "name" and isinstance(value, str) and (why := hidden_message(value.strip(), "name")):
            out.reject(route_id, field, value, "hidden_characters", why)
        elif field in EXTRA_MODEL_FIELDS and value is not None:
            walker.extra(route_id, field, value)
        elif field not in known:
            walker.extra(route_id, field, value, known=False)


def normalize_bundled(**kwargs) -> NormalizedMap:
    """The bundled copy, prices as they stood on the day its wheel was released (unless ``as_of`` says)."""
    data, meta = bundled_data()
    as_of = kwargs.pop("as_of", None) or date.fromisoformat(meta["released"][:10])
    return normalize(read_genai_prices(data, name=meta["file"]), as_of=as_of, **kwargs)


def normalize_payload(data: bytes, *, source: str, as_of: date) -> NormalizedMap:
    """The registry's normalize hook: data.py (or the upstream data.json) into the tables, prices as they stand on
    ``as_of`` (the bundled copy: its wheel's release day)."""
    return normalize(read_genai_prices(data), as_of=as_of)
