"""One route per provider and model: the routes of every source placed on the catalog's routes.

Sources are taken in the order given; the first one's routes are the catalog's to begin with and keep their ids.
Each later source's routes are matched to the catalog's routes of the same provider, one to one (a catalog route
takes at most one route of each source, so two routes of one source are never merged), in passes from the closest
name to the loosest; within a pass, routes that share a key pair up in preference order (a canonical key before a
duplicate or alias, then by the
last path segment, shortest first, so that ``x`` pairs with ``x`` and ``x-fp8`` with ``x-fp8``):

1. ``same_model``: the model (the route id without its provider) is the same, letter case aside.
2. ``same_name``: the same name key: the identity resolver's base model and version (it already drops vendor
   namespaces, quantization and packaging tags such as ``fp8``, ``mxfp4``, ``-GGUF``, ``-instruct``, and unifies
   ``v3p1`` / ``4-5`` spellings), plus: ``@2407`` is ``-2407`` (a Vertex version), a moving version (``latest``,
   ``default``, ``@001``) is no version, a trailing ``.0`` is dropped (``claude-sonnet-4-0`` is ``claude-sonnet-4``),
   a vendor prefix inside a provider (``anthropic-claude-3.5-sonnet``, ``alibaba-qwen3-32b``, ``coding-glm-5.3``) is
   dropped where the rest names a known family and the whole does not, and Llama 4 is named by variant and expert
   count (``maverick`` is ``17b-128e``, ``scout`` is ``17b-16e``; ``-17b-16e`` and ``-17b-128e`` stay apart).
3. ``serving_variant``: the name key without a serving tier (``-turbo``, ``-fast``, ``-ultra``, ``-basic``): only
   routes left after the closer passes, so a source listing both ``x`` and ``x-turbo`` keeps both.

Providers are compared by group: the LiteLLM map splits some providers by API or model maker (``vertex_ai-*``,
``bedrock_converse``, ``text-completion-openai``, ``cohere_chat``, ``azure_text``) where the other sources name one
provider. A region (``bedrock/eu-west-1/...``, ``eu.anthropic...``) is part of every key: a regional route is its own
route.

A route no pass matched is a new catalog route under its own id (``matched_by = 'new'``), counted per source."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.identity.resolver import ModelResolver, default_resolver
from llm_catalog.reconciliation.sqlfiles import run

PASSES = ("same_model", "same_name", "serving_variant")

_VERTEX_VERSION = re.compile(r"@(\d{4})(?:-\d{3})?$")  # mistral-large@2407, mistral-large@2411-001
_MOVING_VERSION = re.compile(r"^(?:latest|default|\d{3})$")
_TRAILING_ZERO = re.compile(r"(?<=\d)\.0(?=-|$)")
_VENDOR_WORD = re.compile(r"^[a-z]+-(?=[a-z])")
_SERVING_TIER = re.compile(r"-(?:turbo|fast|ultra|basic)$")
_LLAMA4 = re.compile(r"^llama-4-")
_LLAMA4_TOKENS = re.compile(r"-(?:maverick|scout|17b|\d+e)(?=-|$)")
_EXPERTS = re.compile(r"-(\d+)e(?=-|$)")
# the map's provider ids that split one provider by API or by model maker, and the provider they are part of
_PROVIDER_SPLITS = (
    (re.compile(r"^text-completion-"), ""),
    (re.compile(r"^(vertex_ai|fireworks_ai)-.+$"), r"\1"),
    (re.compile(r"^(bedrock)_(?:converse|mantle)$"), r"\1"),
    (re.compile(r"^(cohere)_chat$"), r"\1"),
    (re.compile(r"^(azure)_text$"), r"\1"),
)

ROUTE_KEYS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("provider", pa.string(), nullable=False),
        pa.field("provider_group", pa.string(), nullable=False),  # routes match within a provider group
        pa.field("same_model", pa.string(), nullable=False),
        pa.field("same_name", pa.string(), nullable=False),
        pa.field("serving_variant", pa.string(), nullable=False),
        pa.field("preference", pa.int32(), nullable=False),  # 0: a canonical key; 1: a duplicate or an alias
        pa.field("short_name", pa.string(), nullable=False),  # the last path segment, lower case: pairs alike names
    ]
)
ROUTE_SOURCES = schemas.ROUTE_SOURCES


def _llama4(base: str) -> str:
    """Llama 4 named by variant and expert count: maverick = 17b-128e, scout = 17b-16e, unless the name says else."""
    if not _LLAMA4.match(base):
        return base
    variant = "maverick" if "-maverick" in base else "scout" if "-scout" in base else None
    experts = _EXPERTS.search(base)
    count = experts[1] if experts else {"maverick": "128", "scout": "16"}.get(variant)
    variant = variant or {"128": "maverick", "16": "scout"}.get(count)
    if variant is None or count is None:
        return base
    rest = _LLAMA4_TOKENS.sub("", base[len("llama-4") :])
    return f"llama-4-{variant}-17b-{count}e{rest}"


def provider_group(provider: str) -> str:
    """The provider a catalog provider id is part of, for matching (``vertex_ai-anthropic_models`` -> ``vertex_ai``)."""
    for pattern, replacement in _PROVIDER_SPLITS:
        provider = pattern.sub(replacement, provider)
    return provider


def _resolved(name: str, provider: str, resolver: ModelResolver) -> tuple[str, str | None]:
    base, family, version, _ = resolver.resolve_name(name, provider)
    if family is None and (prefix := _VENDOR_WORD.match(base)):
        inner, inner_family, inner_version, _ = resolver.resolve_name(base[prefix.end() :], provider)
        if inner_family is not None:
            base, version = inner, inner_version or version
    return base, version


def name_key(model: str, provider: str, resolver: ModelResolver | None = None) -> str:
    """The ``same_name`` key of a model name served by ``provider`` (see the module docstring)."""
    resolver = resolver or default_resolver()
    base, version = _resolved(_VERTEX_VERSION.sub(r"-\1", model.lower()), provider, resolver)
    base = _TRAILING_ZERO.sub("", _llama4(base))
    if version is not None and _MOVING_VERSION.match(version):
        version = None
    region = resolver.resolve(model, provider).region
    key = f"{base}@{version}" if version else base
    return f"{region}:{key}" if region else key


def serving_key(key: str, provider: str, resolver: ModelResolver | None = None) -> str:
    """A name key without its serving tiers (``llama-3.3-70b-instruct-fp8-fast`` -> ``llama-3.3-70b``)."""
    resolver = resolver or default_resolver()
    region, _, key = key.rpartition(":")
    base, _, version = key.partition("@")
    while _SERVING_TIER.search(base):
        base = _llama4(_resolved(_SERVING_TIER.sub("", base), provider, resolver)[0])
    key = f"{base}@{version}" if version else base
    return f"{region}:{key}" if region else key


def route_keys(source: str, routes: pa.Table, resolver: ModelResolver | None = None) -> pa.Table:
    rows = []
    for route in routes.select(["route_id", "provider", "model", "alias_of", "duplicate_of"]).to_pylist():
        key = name_key(route["model"], route["provider"], resolver)
        rows.append(
            {
                "source": source,
                "route_id": route["route_id"],
                "provider": route["provider"],
                "provider_group": provider_group(route["provider"]),
                "same_model": route["model"].lower(),
                "same_name": key,
                "serving_variant": serving_key(key, route["provider"], resolver),
                "preference": int(route["alias_of"] is not None or route["duplicate_of"] is not None),
                "short_name": route["model"].lower().rsplit("/", 1)[-1],
            }
        )
    return pa.Table.from_pylist(rows, ROUTE_KEYS)


@dataclass
class Matching:
    route_sources: pa.Table  # ROUTE_SOURCES
    stats: dict  # per source: routes, matched per pass, new


def match_routes(
    con: duckdb.DuckDBPyConnection, sources: list[str], keys: pa.Table, published: pa.Table | None = None
) -> Matching:
    """Match every source's routes (``keys``: ROUTE_KEYS of all of them) onto the catalog, in source order; leaves
    the tables ``catalog_keys`` and ``route_sources`` on ``con``. ``published``: the ``route_sources`` of the
    catalog published before, whose route ids stay (sql/reconciliation/keep_published_ids.sql)."""
    con.register("route_keys", keys)
    con.register("previous_route_sources", ROUTE_SOURCES.empty_table() if published is None else published)
    run(con, "match_start.sql", [sources[0]])
    for source in sources[1:]:
        for name in PASSES:
            run(con, "match_pass.sql", [source, name], key=name)
        run(con, "match_new.sql", [source])
    run(con, "keep_published_ids.sql")
    counts = con.execute("SELECT source, matched_by, count(*) FROM route_sources GROUP BY ALL ORDER BY ALL").fetchall()
    stats = {source: {"routes": 0} for source in sources}
    for source, matched_by, count in counts:
        stats[source][matched_by] = count
        stats[source]["routes"] += count
    table = con.sql("SELECT * FROM route_sources ORDER BY route_id, source").to_arrow_table()
    return Matching(table.cast(ROUTE_SOURCES), stats)
