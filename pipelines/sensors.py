"""The upstream sensor: watches every remote source and requests a sync only when one changed (stopped by default).

Each tick sends a HEAD per remote source and compares ETag / Last-Modified / size with what it saw last time; only
when the server gives neither validator, or one moved, does it download the payload and compare its sha256. What it
saw is kept in the sensor's cursor (JSON, stored by Dagster in the instance, so it survives restarts). With no cursor
yet, the baseline is the sha256 each source had in the current snapshot, so a first tick on an up-to-date warehouse
requests nothing.
"""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from assets.resources import CatalogSettings, WarehouseResource
from llm_catalog.errors import SourceError
from llm_catalog.registry import SOURCES
from llm_catalog.sources.fetch import is_url, upstream_changed


def remote_sources(catalog: CatalogSettings) -> dict[str, tuple[str, dict | None]]:
    """source name -> (URL, request headers) for every source of the registry that the sync would read over HTTP.
    Repository tarballs are watched too: a snapshot keeps their files re-packed, so their sha256 never equals the
    tarball's; the validators decide, and a run requested on a tarball that did not really change is a no-op sync."""
    found = {}
    for source in SOURCES:
        location = source.location(catalog.location(source.name))
        # without its API key the sync skips the source, so there is nothing to watch
        if location is not None and is_url(location) and not source.missing_headers():
            found[source.name] = (location, source.headers())
    return found


def _snapshot_sha256(warehouse: WarehouseResource) -> dict[str, str]:
    store = warehouse.store()
    current = store.current_id()
    if current is None:
        return {}
    return {s["source"]: s["sha256"] for s in store.manifest(current)["sources"] if s.get("sha256")}


@dg.sensor(
    job_name="sync",
    minimum_interval_seconds=15 * 60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Requests a sync when a remote source changed (HEAD validators, then sha256).",
)
def upstream_sensor(context: dg.SensorEvaluationContext, catalog: CatalogSettings, warehouse: WarehouseResource):
    seen = json.loads(context.cursor) if context.cursor else {}
    baseline = _snapshot_sha256(warehouse)
    changed, notes = [], []
    for source, (url, headers) in remote_sources(catalog).items():
        previous = seen.get(source) or ({"sha256": baseline[source]} if source in baseline else None)
        try:
            moved, seen[source], how = upstream_changed(
                url,
                source=source,
                previous=previous,
                headers=headers,
                max_bytes=catalog.max_payload_bytes,
                deadline=catalog.download_deadline_seconds,
            )
        except SourceError as exc:  # an unreachable source is the sync's business (fallback), not a change
            notes.append(f"{source}: {exc}")
            continue
        notes.append(f"{source}: {'changed' if moved else 'unchanged'} ({how})")
        if moved:
            changed.append(source)
    context.update_cursor(json.dumps(seen, sort_keys=True))
    if not changed:
        return dg.SkipReason("no remote source changed; " + "; ".join(notes) if notes else "no remote source to watch")
    # one run per distinct set of payloads: a source that flips back and forth does not pile up runs
    run_key = hashlib.sha256(json.dumps({s: seen[s].get("sha256") for s in seen}, sort_keys=True).encode())
    return dg.RunRequest(run_key=run_key.hexdigest()[:16], tags={"llm_catalog/changed": ",".join(changed)})
