"""Source assets: fetch each upstream payload and keep it, content-addressed, under the warehouse's raw/ folder;
and the sync's gate: nothing downstream runs when no source and no code changed."""

import os

import dagster as dg

from llm_catalog.benchmarks import AIDER_URL, ARTIFICIAL_ANALYSIS_KEY_ENV, ARTIFICIAL_ANALYSIS_URL
from llm_catalog.paths import MODEL_CARDS_CSV
from llm_catalog.sources import ingest, ingest_optional, is_url
from llm_catalog.warehouse import Warehouse, code_version, fingerprint
from pipelines.resources import CatalogSettings


def _describe(context: dg.AssetExecutionContext, payload: dict) -> dict:
    if payload.get("status") != "fetched":
        context.log.warning(f"{payload['source']}: {payload['status']}: {payload.get('note')}")
    return payload


def _previous(catalog: CatalogSettings, source: str) -> dict | None:
    """The payload of this source that the current snapshot used: the fallback when a fetch fails."""
    warehouse = Warehouse(catalog.warehouse_path)
    current = warehouse.current_id()
    if current is None:
        return None
    return next((s for s in warehouse.manifest(current)["sources"] if s["source"] == source and s.get("sha256")), None)


def _optional(context, catalog: CatalogSettings, source: str, location: str, headers: dict | None = None) -> dict:
    if location == "off":
        return _describe(context, {"source": source, "origin": "off", "status": "skipped", "note": "turned off"})
    return _describe(context, ingest_optional(location, raw_dir=catalog.warehouse_path / "raw", source=source,
                                              previous=_previous(catalog, source), headers=headers,
                                              max_bytes=catalog.max_payload_bytes,
                                              deadline=catalog.download_deadline_seconds))


def _fetch_litellm(catalog: CatalogSettings) -> dict:
    """The LiteLLM model cost map as fetched (bundled copy, local file or URL), stored by its sha256."""
    payload = ingest(catalog.litellm_location, raw_dir=catalog.warehouse_path / "raw", source="litellm",
                     max_bytes=catalog.max_payload_bytes, deadline=catalog.download_deadline_seconds)
    return payload.to_dict()


def _fetch_model_cards(context, catalog: CatalogSettings) -> dict:
    """Vendor-reported benchmark figures: the curated data/benchmarks/model_cards.csv unless configured otherwise."""
    return _optional(context, catalog, "model_cards", catalog.model_cards or str(MODEL_CARDS_CSV))


def _fetch_aider(context, catalog: CatalogSettings) -> dict:
    """The Aider polyglot leaderboard YAML; when it cannot be fetched, the last payload a snapshot used."""
    return _optional(context, catalog, "aider", catalog.aider or os.environ.get("LLM_CATALOG_AIDER") or AIDER_URL)


def _fetch_artificial_analysis(context, catalog: CatalogSettings) -> dict:
    """The Artificial Analysis models API (a key in $ARTIFICIAL_ANALYSIS_API_KEY), or a recorded response file."""
    location = catalog.artificial_analysis or ARTIFICIAL_ANALYSIS_URL
    key = os.environ.get(ARTIFICIAL_ANALYSIS_KEY_ENV)
    if is_url(location) and not key and location != "off":
        return _describe(context, {"source": "artificial_analysis", "origin": location, "status": "skipped",
                                   "note": f"no {ARTIFICIAL_ANALYSIS_KEY_ENV} in the environment"})
    return _optional(context, catalog, "artificial_analysis", location, headers={"x-api-key": key} if key else None)


SOURCES = {
    "litellm_cost_map": ("json", _fetch_litellm.__doc__),
    "model_cards": ("csv", _fetch_model_cards.__doc__),
    "aider_leaderboard": ("yaml", _fetch_aider.__doc__),
    "artificial_analysis_models": ("json", _fetch_artificial_analysis.__doc__),
}
UNCHANGED = "unchanged_since"  # metadata key of the observation an unchanged sync records on each source


def _metadata(payload: dict) -> dict:
    metadata = {k: str(payload.get(k) or "") for k in ("status", "origin", "sha256", "note", "version")}
    if payload.get("stored_path"):
        metadata["stored_path"] = dg.MetadataValue.path(payload["stored_path"])
    if payload.get("size_bytes") is not None:
        metadata["size_bytes"] = payload["size_bytes"]
    return metadata


@dg.multi_asset(
    outs={name: dg.AssetOut(group_name="sources", kinds={kind}, description=doc, is_required=False)
          for name, (kind, doc) in SOURCES.items()},
)
def sources(context: dg.AssetExecutionContext, catalog: CatalogSettings):
    """Fetch every source, then decide: when the sources' sha256 and the code version are those of the current
    snapshot, the sync has nothing to do. The payloads are then observed, not materialized, and every step
    downstream is skipped (nothing is normalized, validated or published). Otherwise each source is materialized
    and the rest of the graph runs."""
    payloads = {"litellm_cost_map": _fetch_litellm(catalog), "model_cards": _fetch_model_cards(context, catalog),
                "aider_leaderboard": _fetch_aider(context, catalog),
                "artificial_analysis_models": _fetch_artificial_analysis(context, catalog)}
    warehouse = Warehouse(catalog.warehouse_path)
    current = warehouse.current_id()
    if not catalog.force and current is not None:
        key = fingerprint(list(payloads.values()), code_version())
        if warehouse.manifest(current)["fingerprint"] == key:
            context.log.info(f"sources and code unchanged since snapshot {current}: nothing to do")
            with Warehouse(catalog.warehouse_path, lock_timeout=catalog.lock_timeout_seconds).lock():
                warehouse.clean_leftovers()  # what a publish killed after moving the pointer left (the publish
                # step, which does this otherwise, does not run)
            for name, payload in payloads.items():
                yield dg.AssetObservation(asset_key=name, metadata={**_metadata(payload), UNCHANGED: current})
            return
    for name, payload in payloads.items():
        yield dg.Output(payload, output_name=name, metadata=_metadata(payload))
