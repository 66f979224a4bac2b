"""Reading a warehouse: its current snapshot, the complete snapshots, their manifests, dates and files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Self

from llm_catalog.errors import PublishError
from llm_catalog.warehouse.layout import MANIFESTS, PART, POINTER, RAW, SNAPSHOT_ID, check_snapshot_id
from llm_catalog.warehouse.lock import WarehouseLock

# what every manifest a publish writes has, and what the commands read from it
MANIFEST_KEYS = ("snapshot_id", "created_at", "fingerprint", "code_version", "sources", "tables")


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
        """The id CURRENT names (None before the first publish); a PublishError naming the file when it is not a
        pointer. A sync refuses then rather than guess: CURRENT is written only by a publish, so a broken one is
        damage to look at; the fix is to write ``{"snapshot_id": "<id>"}`` naming a snapshot of manifests/."""
        pointer = self.root / POINTER
        if not pointer.exists():
            return None
        try:
            snapshot_id = json.loads(pointer.read_bytes())["snapshot_id"]
            return check_snapshot_id(snapshot_id)
        except (ValueError, TypeError, KeyError, PublishError) as exc:
            newest = self.snapshot_ids()
            raise PublishError(
                f'{pointer} is broken ({_what_is_wrong(exc)}): it should hold {{"snapshot_id": "<id>"}}; '
                "nothing was read or written. Point it at a snapshot of manifests/"
                + (f" (the newest is {newest[-1]})" if newest else "")
            ) from None

    def manifest(self, snapshot_id: str) -> dict:
        """The manifest of ``snapshot_id``; a PublishError naming the file when there is none or it is broken."""
        path = self.root / MANIFESTS / f"{check_snapshot_id(snapshot_id)}.json"
        if not path.exists():
            raise PublishError(f"no snapshot {snapshot_id!r} in {self.root} (see `llm-catalog versions`)")
        problem, manifest = _read_manifest(path)
        if problem:
            raise PublishError(f"{path} is not a snapshot manifest: {problem}")
        return manifest

    def snapshot_ids(self) -> list[str]:
        """Every complete snapshot (one with a manifest that reads), oldest first. A broken manifest, or a file of
        manifests/ not named by an id, is no snapshot (`broken_manifests` names them, and a sync warns)."""
        broken = {path for path, _ in self.broken_manifests()}
        return sorted(p.stem for p in self._manifest_files() if p not in broken)

    def broken_manifests(self) -> list[tuple[Path, str]]:
        """(file, what is wrong) for each file of manifests/ that is not a snapshot's manifest."""
        broken = []
        for path in self._manifest_files():
            problem = "its name is not a snapshot id" if not SNAPSHOT_ID.fullmatch(path.stem) else None
            problem = problem or _read_manifest(path)[0]
            if problem:
                broken.append((path, problem))
        return broken

    def _manifest_files(self) -> list[Path]:
        folder = self.root / MANIFESTS
        return sorted(folder.glob("*.json")) if folder.exists() else []

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


def _read_manifest(path: Path) -> tuple[str | None, dict]:
    """(what is wrong with the manifest at ``path`` or None, its content)."""
    try:
        manifest = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        return f"not readable JSON ({_what_is_wrong(exc)})", {}
    if not isinstance(manifest, dict):
        return f"a JSON {type(manifest).__name__}, not an object", {}
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if missing:
        return f"missing {', '.join(repr(k) for k in missing)}", {}
    if manifest["snapshot_id"] != path.stem:
        return f"it names snapshot {manifest['snapshot_id']!r}, not {path.stem!r}", {}
    return None, manifest


def _what_is_wrong(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"no key {exc.args[0]!r}"
    if isinstance(exc, TypeError):
        return "not a JSON object"
    return str(exc)
