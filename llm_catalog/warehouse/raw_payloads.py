"""A warehouse's raw payloads (``raw/<source>/<sha256>.gz``, the bytes each snapshot was made from). A folder
warehouse keeps them in place. A bucket warehouse's sync stores them in its local work folder first; the publish
copies them up, and a sync that falls back on one (its source unreachable) brings it back down, so the work folder
is a cache that may be emptied."""

from __future__ import annotations

import gzip
import hashlib
import zlib

from llm_catalog.files import fsync_write
from llm_catalog.warehouse.layout import RAW
from llm_catalog.warehouse.reading import WarehouseReader


def raw_key(source: dict) -> str:
    """The key of ``source``'s payload (a manifest's source entry), by its content address."""
    return f"{RAW}/{source['source']}/{source.get('sha256')}.gz"


def raw_payloads_kept(warehouse: WarehouseReader, sources: list[dict]) -> list[dict]:
    """``sources``, each naming where its raw payload is kept. A bucket warehouse keeps the payload of every source a
    snapshot names, as a folder does; they are copied up from the work folder here, once each (by content address)."""
    if warehouse.storage.local:
        return sources  # stored in place by the sync
    kept = []
    for source in sources:
        key = raw_key(source)
        local = warehouse.work_dir / key
        if source.get("sha256") and local.is_file():
            if not warehouse.storage.is_file(key):
                warehouse.storage.write(key, local.read_bytes())
            source = {**source, "stored_path": warehouse.storage.uri(key)}
        kept.append(source)
    return kept


def raw_payload_at_hand(warehouse: WarehouseReader, source: dict) -> dict | None:
    """``source`` (a manifest's source entry) with ``stored_path`` naming a local file of its payload, for a sync to
    read again; None when it is nowhere. A bucket's payload is downloaded into the work folder when the folder lacks
    it (another machine's, or a pruned folder), and used only when its bytes have the sha256 the manifest names."""
    if not source.get("sha256"):
        return None
    key = raw_key(source)
    local = warehouse.work_dir / key  # a folder warehouse's own raw/, wherever the folder has moved since
    if not local.is_file():
        content = warehouse.storage.read(key)  # a folder's is that same missing file: None
        if content is None or _sha256_of_gzip(content) != source["sha256"]:
            return None
        fsync_write(local, content)
    return {**source, "stored_path": str(local)}


def _sha256_of_gzip(content: bytes) -> str | None:
    try:
        return hashlib.sha256(gzip.decompress(content)).hexdigest()
    except (OSError, EOFError, zlib.error):
        return None


def drop_local_copies(warehouse: WarehouseReader) -> list[tuple[str, int]]:
    """(key, bytes) of each payload removed from a bucket warehouse's work folder because the bucket holds it (the
    folder would otherwise keep every payload ever fetched); a folder warehouse's payloads are the warehouse's own.
    Downloaded releases (``raw/_releases``) stay: a backfill reads them again. Call under the lock."""
    if warehouse.storage.local:
        return []
    removed = []
    local_raw = warehouse.work_dir / RAW
    for folder in sorted(p for p in local_raw.glob("*") if p.is_dir() and not p.name.startswith("_")):
        in_bucket = set(warehouse.storage.names(f"{RAW}/{folder.name}"))  # one listing per source
        for copy in sorted(folder.glob("*.gz")):
            if copy.name in in_bucket:
                removed.append((f"{RAW}/{folder.name}/{copy.name}", copy.stat().st_size))
                copy.unlink()
    return removed
