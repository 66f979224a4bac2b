"""The whole map to the catalog's tables: which top-level entries are model entries (the others rejected with an
entry rule), aliases resolved, each model entry walked by ``EntryNormalizer``, duplicate routes marked, stats."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from llm_catalog.identity.providers import load_provider_names
from llm_catalog.identity.resolver import NO_MODEL_NAME, ModelResolver, default_resolver
from llm_catalog.normalized.litellm.entry import EntryNormalizer
from llm_catalog.normalized.litellm.payload import is_big_int, parse_payload
from llm_catalog.normalized.litellm.rows import TableRows, as_json, storable
from llm_catalog.normalized.litellm.vocabulary import ENTRY_RULES, PROVIDER_ID, ROUTE_ID
from llm_catalog.text import hidden_message, web_link, web_link_in


@dataclass
class NormalizedMap:
    tables: dict[str, pa.Table]
    stats: dict = field(default_factory=dict)


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


def model_entry(out: TableRows, key: str, value, entries: dict) -> tuple[dict, str | None] | None:
    """(the entry, the key it is an alias of) when ``key`` is a model entry with a provider id; else None, with the
    entry rejected under one of the ENTRY_RULES."""
    if not ROUTE_ID.fullmatch(key):
        message = hidden_message(key, "the route id") or (
            "a route id must be 1-256 printable characters with no whitespace, control characters or "
            f"lone surrogates; got {storable(key)!r}"
        )
        out.reject(key, None, value, "invalid_route_id", message)
        return None
    if key == "sample_spec":  # left out by design: severity info, not an error of the source
        out.reject(
            key,
            None,
            value,
            "documentation_entry",
            "sample_spec documents the map's fields; not a model",
            severity="info",
        )
        return None
    if not isinstance(value, dict):
        out.reject(key, None, value, "not_an_object", f"a model entry must be an object, got {type(value).__name__}")
        return None
    entry, alias_of = value, None
    if "alias_of" in value and "litellm_provider" not in value:
        entry, alias_of = _resolve_alias(key, value, entries)
        if entry is None:
            out.reject(
                key,
                "alias_of",
                value.get("alias_of"),
                "alias_target_missing",
                "alias_of names no model entry in the map",
            )
            return None
        entry = {**entry, **{k: v for k, v in value.items() if k != "alias_of"}}
    provider = entry.get("litellm_provider")
    if provider is None and "rules" in entry:
        out.reject(key, None, value, "routing_rules", "a block of routing rules, not a model entry", severity="info")
        return None
    if provider is None:
        out.reject(key, "litellm_provider", None, "missing_provider", "the entry names no litellm_provider")
        return None
    if not isinstance(provider, str) or is_big_int(provider) or not PROVIDER_ID.fullmatch(provider):
        why = isinstance(provider, str) and hidden_message(provider, "litellm_provider")
        message = why or "litellm_provider is not a provider id"
        out.reject(key, "litellm_provider", provider, "invalid_provider", message)
        return None
    return entry, alias_of


def shown_fields(out: TableRows, key: str, entry: dict) -> dict:
    """``entry`` without a mode that holds a hidden code point (a terminal escape, a bidirectional control: a mode is
    shown as it is on every page and in the terminal) and without a web ``source`` that may not become a link (a
    backslash, whitespace, no host); each left out is rejected."""
    left_out = []
    mode = entry.get("mode")
    if isinstance(mode, str) and (why := hidden_message(mode, "mode")):
        out.reject(key, "mode", mode, "hidden_characters", why)
        left_out.append("mode")
    source = entry.get("source")
    # a source that is not a web address at all is a note, kept in extra_fields as JSON; one that means to be a link
    # is published as the route's source_url, so it must be one a page may link to
    if isinstance(source, str) and source.lower().startswith(("http:", "https:")) and web_link(source) is None:
        if link := web_link_in(source):  # a URL with a note after it, or spaces a browser would encode
            out.reject(key, "source", source, "url_repaired", f"source published as {link}", severity="warning")
            return {**{n: v for n, v in entry.items() if n not in left_out}, "source": link}
        message = "source is not an absolute http(s) URL a page may link to; left out"
        out.reject(key, "source", source, "url_not_a_web_link", message)
        left_out.append("source")
    return {name: value for name, value in entry.items() if name not in left_out} if left_out else entry


def _entry_fingerprint(entry: dict) -> str:
    content = {k: v for k, v in entry.items() if k not in ("source", "metadata", "comment")}
    return hashlib.sha256(as_json(content).encode()).hexdigest()


def normalize(
    entries: dict,
    *,
    duplicates: list[tuple[str, list]] | None = None,
    resolver: ModelResolver | None = None,
    provider_names: dict[str, str] | None = None,
) -> NormalizedMap:
    """Turn parsed map entries into the catalog tables (see the package docstring for the policy)."""
    resolver = resolver or default_resolver()
    provider_names = load_provider_names() if provider_names is None else provider_names
    out = TableRows()
    stats: Counter = Counter(entries_total=len(entries))
    walker = EntryNormalizer(out, resolver, provider_names, stats)
    groups: dict[tuple, list[str]] = defaultdict(list)

    for key, values in duplicates or []:
        out.reject(
            key,
            None,
            values,
            "duplicate_key",
            f"key appears {len(values)} times in the raw JSON; the last copy is used, as LiteLLM does",
            severity="warning",
        )

    lowered: dict[str, list[str]] = defaultdict(list)
    for key in entries:
        lowered[key.lower()].append(key)

    for key, value in entries.items():
        found = model_entry(out, key, value, entries)
        if found is None:
            continue
        entry, alias_of = found
        provider = entry["litellm_provider"]
        if len(lowered[key.lower()]) > 1:
            others = [k for k in lowered[key.lower()] if k != key]
            out.reject(
                key,
                None,
                None,
                "case_duplicate_key",
                f"another key differs only by case: {others}; both are published",
                severity="warning",
            )
        resolution = resolver.resolve(key, provider)
        if not resolution.names_a_model:
            out.reject(key, "key", value, "no_model_name", NO_MODEL_NAME)
            continue
        walker.entry(key, shown_fields(out, key, entry), alias_of)
        groups[(provider, resolution.base_model, resolution.model_version, _entry_fingerprint(entry))].append(key)

    tables = out.tables()
    tables["routes"] = _mark_duplicates(tables["routes"], groups)
    stats["routes"] = tables["routes"].num_rows
    stats["duplicate_routes"] = sum(len(keys) - 1 for keys in groups.values())
    stats["entries_left_out"] = sum(1 for r in out.rows["rejects"] if r["rule"] in ENTRY_RULES)
    return NormalizedMap(
        tables=tables,
        stats={
            **dict(stats),
            "rejects_by_rule": out.rejects_by_rule(),
            "unknown_fields": dict(walker.extras.unknown.most_common()),
        },
    )


def normalize_payload(data: bytes, *, source: str, as_of: date | None = None) -> NormalizedMap:
    """The registry's normalize hook: the map's bytes into the tables (``as_of`` unused: the map states no dates)."""
    entries, duplicates = parse_payload(data, source=source)
    return normalize(entries, duplicates=duplicates)


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
