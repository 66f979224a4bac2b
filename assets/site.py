"""The catalog site: static pages of the current snapshot, built after each publish from the published Parquet only
(a consumer of the catalog like any other)."""

import dagster as dg

from assets.resources import WarehouseResource
from assets.warehouse import catalog_snapshot
from llm_catalog.site.upload import build_site_at, shown_record, site_destination


@dg.asset(
    group_name="publish",
    deps=[catalog_snapshot],
    kinds={"html"},
    # eager fires on every materialization of the publish, even one that kept the current snapshot: the check
    # against site.json below makes that a no-op rather than a rebuild
    automation_condition=dg.AutomationCondition.eager(),
)
def catalog_site(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The static site (index, a page per route and base model, benchmark explorer, what changed) of the current
    snapshot, in the warehouse's site/ folder; rebuilt only when the current snapshot is not the one it shows."""
    store = warehouse.store().require()
    out = site_destination(store, None)  # the warehouse's site/, in its folder or bucket
    shown = shown_record(out)  # None: no site of ours there yet (build_site refuses a folder that is not ours)
    if shown and shown["snapshot_id"] == store.current_id():
        context.log.info(f"the site already shows snapshot {shown['snapshot_id']}: nothing to build")
        return dg.MaterializeResult(
            metadata={"snapshot_id": shown["snapshot_id"], "rebuilt": False, "path": dg.MetadataValue.path(out.uri())}
        )
    record = build_site_at(store, out)
    return dg.MaterializeResult(
        metadata={
            "snapshot_id": record["snapshot_id"],
            "rebuilt": True,
            "path": dg.MetadataValue.path(out.uri("index.html")),
            "route_pages": record["routes"],
            "model_pages": record["models"],
            "build_seconds": record["build_seconds"],
        }
    )
