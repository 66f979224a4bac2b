"""Hand-made sources in the normalized tables' shape, for the reconciliation tests: a route is written as
``route_id`` with its provider, its prices as ``{(price_kind, tier): usd}``, its limits and capabilities."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.identity.resolver import default_resolver, strip_provider_prefix
from llm_catalog.reconciliation.sources import SourceInfo

PER_1M = "usd_per_1m_tokens"


def route(route_id: str, provider: str | None = None, **fields) -> dict:
    """One route: ``prices`` {price_kind or (price_kind, tier, condition): usd}, ``limits`` {name: value},
    ``capabilities`` {name: supported}, and any ROUTES column."""
    return {"route_id": route_id, "provider": provider or route_id.split("/", 1)[0], **fields}


def source_tables(*routes: dict) -> dict[str, pa.Table]:
    rows = {name: [] for name in schemas.NORMALIZED}
    for spec in routes:
        route_id, provider = spec["route_id"], spec["provider"]
        resolution = default_resolver().resolve(route_id, provider)
        rows["routes"].append(
            {
                "route_id": route_id,
                "provider": provider,
                "model": strip_provider_prefix(route_id, provider),
                "base_model": resolution.base_model,
                "family": resolution.family,
                "model_version": resolution.model_version,
                "resolved_by": resolution.resolved_by,
                "mode": spec.get("mode", "chat"),
                "modalities_stated": False,
                "alias_of": spec.get("alias_of"),
                "duplicate_of": spec.get("duplicate_of"),
            }
        )
        for key, usd in spec.get("prices", {}).items():
            kind, tier, condition = (key, "standard", None) if isinstance(key, str) else (*key, None)[:3]
            rows["prices"].append(
                {
                    "route_id": route_id,
                    "price_kind": kind,
                    "tier": tier,
                    "condition": condition,
                    "unit": PER_1M,
                    "usd": usd,
                    "source_field": f"{kind}_price",
                }
            )
        rows["limits"].append({"route_id": route_id, **spec.get("limits", {})})
        for name, supported in spec.get("capabilities", {}).items():
            rows["capabilities"].append({"route_id": route_id, "capability": name, "supported": supported})
    return {name: pa.Table.from_pylist(found, schemas.NORMALIZED[name]) for name, found in rows.items()}


def info(day: int, **fields) -> SourceInfo:
    """A SourceInfo dated ``day`` of January 2026."""
    return SourceInfo(as_of=dt.date(2026, 1, day), **fields)
