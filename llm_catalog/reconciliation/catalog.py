"""The catalog of a sync: the registry's pricing sources, as their payloads were read and normalized, reconciled in
the registry's order. A source the sync could not read is left out of the run but still described: the OpenRouter
API's authority keeps models.dev's openrouter routes (generated from it) second in line when it is offline."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pyarrow as pa

from llm_catalog.errors import CatalogError
from llm_catalog.normalized.pricing import is_skipped, payload_as_of
from llm_catalog.reconciliation.reconcile import Reconciled, reconcile
from llm_catalog.reconciliation.sources import SourceInfo
from llm_catalog.registry import PRICING
from llm_catalog.sources.source import Source


def source_info(source: Source, payload: dict | None) -> SourceInfo:
    """What reconciliation knows of ``source`` besides its tables: its date, authority and derivations."""
    as_of = payload_as_of(payload) if payload else datetime.now(UTC).date()
    return SourceInfo(as_of=as_of, authority=frozenset(source.authority), generated_from=dict(source.generated_from))


def chosen_sources(names: list[str] | None) -> list[str]:
    """The pricing sources a catalog is made of: ``names`` in the registry's order (None: all); an unknown name is
    an error that lists the known ones."""
    known = [source.name for source in PRICING]
    unknown = sorted(set(names or ()) - set(known))
    if unknown:
        raise CatalogError(f"pricing sources {unknown} are not in the registry; the pricing sources are {known}")
    return [name for name in known if names is None or name in names]


def reconcile_sources(
    normalized: Mapping[str, Mapping[str, pa.Table]],
    payloads: Mapping[str, dict],
    *,
    only: list[str] | None = None,
    published: pa.Table | None = None,
    threads: int | None = None,
) -> Reconciled:
    """``normalized`` and ``payloads``: each pricing source's tables and payload, by source name; ``only``: the
    pricing sources to reconcile (None: all of them); ``published``: the current snapshot's ``route_sources``, whose
    route ids stay."""
    info = {source.name: source_info(source, payloads.get(source.name)) for source in PRICING}
    chosen = chosen_sources(only)
    in_run = {
        name: normalized[name] for name in chosen if name in normalized and not is_skipped(payloads.get(name, {}))
    }
    return reconcile(in_run, info, published=published, threads=threads)
