"""Source assets: fetch each upstream payload and keep it, content-addressed, under the warehouse's raw/ folder."""

import dagster as dg

from llm_catalog.sources import ingest
from pipelines.resources import CatalogSettings


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
