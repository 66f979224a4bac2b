"""Verifying a snapshot: its files measured against its manifest and the published schemas."""

from __future__ import annotations

import pyarrow.parquet as pq
from pyarrow.fs import FileType

from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.warehouse.layout import VALIDATION
from llm_catalog.warehouse.reading import WarehouseReader


class WarehouseVerifier(WarehouseReader):
    def verify(self, snapshot_id: str | None = None) -> list[str]:
        """What is wrong with a snapshot's files, measured against its manifest (empty: nothing)."""
        problems = []
        snapshot_id = snapshot_id or self.current_id()
        if snapshot_id is None:
            return [f"no current snapshot in {self.location}"]
        try:
            manifest = self.manifest(snapshot_id)
        except PublishError as exc:
            return [str(exc)]
        expected = schemas.EARLIER_SNAPSHOT if self.earlier_release(manifest) else schemas.FULL_SNAPSHOT
        for name in [name for name in schemas.PUBLISHED_TABLES if name in expected]:
            info = manifest["tables"].get(name)
            if info is None:
                problems.append(f"{name}: not in the manifest")
                continue
            found = self.storage.info(info["path"])
            if found.type != FileType.File:
                problems.append(f"{name}: {info['path']} is missing")
                continue
            if "bytes" in info and found.size != info["bytes"]:
                problems.append(f"{name}: {info['path']} is {found.size} bytes, the manifest says {info['bytes']}")
                continue
            if self.storage.sha256(info["path"]) != info["sha256"]:
                problems.append(f"{name}: {info['path']} does not match its sha256 in the manifest")
                continue
            try:
                path, filesystem = self.storage.path(info["path"]), self.storage.fs
                metadata = pq.read_metadata(path, filesystem=filesystem)
                schema = pq.read_schema(path, filesystem=filesystem)
            except Exception as exc:  # noqa: BLE001 - any unreadable file is a finding, not a crash
                problems.append(f"{name}: {info['path']} is not readable Parquet ({exc})")
                continue
            if metadata.num_rows != info["rows"]:
                problems.append(f"{name}: {metadata.num_rows} rows, the manifest says {info['rows']}")
            if not schema.equals(schemas.PUBLISHED_TABLES[name], check_metadata=False):
                problems.append(f"{name}: schema differs from the published contract")
        if manifest.get("validation") and not self.storage.is_file(f"{VALIDATION}/{snapshot_id}.json"):
            problems.append(f"validation/{snapshot_id}.json is missing")
        return problems
