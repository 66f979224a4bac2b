"""Source assets: fetch each upstream payload of the registry and keep it, content-addressed, under the warehouse's
raw/ folder; and the sync's gate: nothing downstream runs when no source and no code changed."""

from functools import partial

import dagster as dg

from assets.resources import CatalogSettings, WarehouseResource
from llm_catalog.registry import SOURCES
from llm_catalog.sources.source import OFF, Source, ingest, route_limit
from llm_catalog.warehouse.raw_payloads import raw_payload_at_hand
from llm_catalog.warehouse.version import code_version, fingerprint

UNCHANGED = "unchanged_since"  # metadata key of the observation an unchanged sync records on each source


def _previous(warehouse: WarehouseResource, source: str) -> dict | None:
    """The payload of this source that the current snapshot used, at hand locally: the fallback when a fetch fails."""
    store = warehouse.store()
    current = store.current_id()
    if current is None:
        return None
    used = next((s for s in store.manifest(current)["sources"] if s["source"] == source and s.get("sha256")), None)
    return raw_payload_at_hand(store, used) if used else None


def fetch(context, source: Source, catalog: CatalogSettings, warehouse: WarehouseResource) -> dict:
    """``source``'s payload, read from where the sync's setting of the same name (or the declaration) says."""
    if source.optional and catalog.leaves_out(source):
        return {"source": source.name, "origin": OFF, "status": "skipped", "note": "not among --pricing-sources"}
    payload = ingest(
        source,
        catalog.location(source.name),
        raw_dir=warehouse.raw_dir,
        previous=partial(_previous, warehouse, source.name) if source.optional else None,
        max_bytes=catalog.max_payload_bytes,
        deadline=catalog.download_deadline_seconds,
        max_routes=route_limit(catalog.max_routes),
    )
    if payload.get("status") != "fetched":
        context.log.warning(f"{payload['source']}: {payload['status']}: {payload.get('note')}")
    return payload


def _metadata(payload: dict) -> dict:
    metadata = {k: str(payload.get(k) or "") for k in ("status", "origin", "sha256", "note", "version")}
    if payload.get("stored_path"):
        metadata["stored_path"] = dg.MetadataValue.path(payload["stored_path"])
    if payload.get("size_bytes") is not None:
        metadata["size_bytes"] = payload["size_bytes"]
    return metadata


@dg.multi_asset(
    outs={
        source.asset: dg.AssetOut(
            group_name="sources", kinds={source.kind}, description=source.description, is_required=False
        )
        for source in SOURCES
    },
)
def sources(context: dg.AssetExecutionContext, catalog: CatalogSettings, warehouse: WarehouseResource):
    """Fetch every source, then decide: when the sources' sha256 and the code version are those of the current
    snapshot, the sync has nothing to do. The payloads are then observed, not materialized, and every step
    downstream is skipped (nothing is normalized, validated or published). Otherwise each source is materialized
    and the rest of the graph runs."""
    payloads = {source.asset: fetch(context, source, catalog, warehouse) for source in SOURCES}
    store = warehouse.store()
    current = store.current_id()
    if not catalog.force and current is not None:
        key = fingerprint(list(payloads.values()), code_version())
        if store.manifest(current)["fingerprint"] == key:
            context.log.info(f"sources and code unchanged since snapshot {current}: nothing to do")
            with store.lock():
                store.clean_leftovers()  # what a publish killed after moving the pointer left (the publish
                # step, which does this otherwise, does not run)
            for name, payload in payloads.items():
                yield dg.AssetObservation(asset_key=name, metadata={**_metadata(payload), UNCHANGED: current})
            return
    for name, payload in payloads.items():
        yield dg.Output(payload, output_name=name, metadata=_metadata(payload))
