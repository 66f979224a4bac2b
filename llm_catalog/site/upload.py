"""A site built for a bucket: built in the destination's local work folder as any site is, then copied up, pages
first and the marker (site.json) last; the pages the previous build's marker listed and this one does not are removed
after. Each object is written whole (an S3 PUT), with the Content-Type a CDN serves it with."""

from __future__ import annotations

import json
import mimetypes
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from llm_catalog.site.build import build_site
from llm_catalog.site.marker import MARKER, site_record, written_files
from llm_catalog.warehouse.locations import open_storage
from llm_catalog.warehouse.storage import Storage
from llm_catalog.warehouse.store import Warehouse

UPLOAD_THREADS = 16  # objects in flight at once: a PUT is mostly waiting on the network


def site_destination(warehouse: Warehouse, out: str | None) -> Storage:
    """Where a site goes: ``out`` (a folder or s3://BUCKET/PREFIX), else the warehouse's site/ (in its bucket too)."""
    endpoint = getattr(warehouse.storage, "endpoint", None)
    return open_storage(out or warehouse.storage.uri("site"), s3_endpoint=endpoint)


def shown_record(destination: Storage) -> dict | None:
    """The marker of the site at ``destination``; None where there is none of ours."""
    if destination.local:
        return site_record(destination.root)
    try:
        content = destination.read(MARKER)
        record = json.loads(content) if content else None
    except ValueError:
        return None
    return record if isinstance(record, dict) and isinstance(record.get("files"), list) else None


def build_site_at(warehouse: Warehouse, destination: Storage, *args, **kwargs) -> dict:
    """``build_site`` (its snapshot arguments as it takes them) at ``destination``; returns what its site.json
    records."""
    if destination.local:
        return build_site(warehouse, destination.root, *args, **kwargs)
    before = shown_record(destination)
    local = destination.work_dir
    record = build_site(warehouse, local, *args, **kwargs)
    files = written_files(local)
    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        list(pool.map(lambda name: _upload(local, destination, name), [f for f in files if f != MARKER]))
    _upload(local, destination, MARKER)
    stale = set(before["files"] if before else []) - set(files)
    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        list(pool.map(destination.delete, sorted(stale)))
    return record


def _upload(local: Path, destination: Storage, name: str) -> None:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    with destination.fs.open_output_stream(destination.path(name), metadata={"Content-Type": kind}) as stream:
        stream.write((local / name).read_bytes())
