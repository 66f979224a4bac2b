"""Reading a warehouse: its current snapshot, the complete snapshots, their manifests, dates and files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Self

from llm_catalog.errors import PublishError
from llm_catalog.warehouse.layout import MANIFESTS, PART, POINTER, RAW
from llm_catalog.warehouse.lock import WarehouseLock


class WarehouseReader:
    """A warehouse folder, read through its pointer and manifests (``llm_catalog.warehouse.layout``)."""

    def __init__(self, root: Path, *, lock_timeout: float = 600.0):
        self.root = Path(root)
        self.lock_timeout = lock_timeout

    def lock(self) -> WarehouseLock:
        """The one-writer lock (every write to the warehouse takes it)."""
        return WarehouseLock(self.root, timeout=self.lock_timeout)

    def exists(self) -> bool:
        """Whether this is a warehouse: every sync writes ``raw/`` first, every publish ``manifests/``."""
        return (self.root / MANIFESTS).is_dir() or (self.root / RAW).is_dir()

    def require(self) -> Self:
        """This warehouse, or a clear error when there is none (reading commands never create one)."""
        if not self.exists():
            what = "no such folder" if not self.root.exists() else "not a warehouse: no manifests/ or raw/ in it"
            raise PublishError(
                f"no warehouse at {self.root} ({what}); check --warehouse or $LLM_CATALOG_WAREHOUSE, "
                "or run `llm-catalog sync` to make one"
            )
        return self

    def current_id(self) -> str | None:
        pointer = self.root / POINTER
        if not pointer.exists():
            return None
        return json.loads(pointer.read_text())["snapshot_id"]

    def manifest(self, snapshot_id: str) -> dict:
        path = self.root / MANIFESTS / f"{snapshot_id}.json"
        if not path.exists():
            raise PublishError(f"no snapshot {snapshot_id!r} in {self.root} (see `llm-catalog versions`)")
        return json.loads(path.read_text())

    def snapshot_ids(self) -> list[str]:
        """Every complete snapshot (one with a manifest), oldest first."""
        folder = self.root / MANIFESTS
        if not folder.exists():
            return []
        return sorted(p.stem for p in folder.glob("*.json"))

    def table_path(self, table: str, snapshot_id: str) -> Path:
        return self.root / table / f"snapshot={snapshot_id}" / PART

    def latest_as_of(self) -> date | None:
        """The newest date a published snapshot describes (None before the first publish)."""
        current = self.current_id()
        return max((self.as_of(i) for i in self.snapshot_ids() if current is not None and i <= current), default=None)

    @staticmethod
    def earlier_release(manifest: dict) -> bool:
        """Whether a manifest is an earlier release's snapshot (normalized and history tables only)."""
        return bool(manifest.get("stats", {}).get("earlier_release"))

    def as_of(self, snapshot_id: str) -> date:
        """The date a snapshot's data describes (its publishing date for snapshots made before as_of existed)."""
        manifest = self.manifest(snapshot_id)
        return date.fromisoformat(manifest.get("as_of") or manifest["created_at"][:10])
