"""Reading a warehouse: its current snapshot, the complete snapshots, their manifests, dates and files."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Self

from llm_catalog.errors import PublishError
from llm_catalog.warehouse.layout import MANIFESTS, PART, POINTER, RAW, SNAPSHOT_ID, check_snapshot_id
from llm_catalog.warehouse.locations import open_storage
from llm_catalog.warehouse.storage import Storage

# what every manifest a publish writes has, and what the commands read from it
MANIFEST_KEYS = ("snapshot_id", "created_at", "fingerprint", "code_version", "sources", "tables")


class WarehouseReader:
    """A warehouse, in a folder or a bucket (``storage``), read through its pointer and manifests
    (``llm_catalog.warehouse.layout``)."""

    def __init__(
        self, root: str | os.PathLike | Storage, *, lock_timeout: float = 600.0, s3_endpoint: str | None = None
    ):
        self.storage = root if isinstance(root, Storage) else open_storage(root, s3_endpoint=s3_endpoint)
        self.location = self.storage.location  # the folder's path or s3://bucket/prefix, for messages and DuckDB
        self.lock_timeout = lock_timeout

    @property
    def work_dir(self):
        """The local folder of what stays with the machine that syncs: run storage, working tables, raw payloads
        (the warehouse itself when it is a folder)."""
        return self.storage.work_dir

    def lock(self):
        """The one-writer lock (every write to the warehouse takes it)."""
        return self.storage.lock(self.lock_timeout)

    def exists(self) -> bool:
        """Whether this is a warehouse: every sync writes ``raw/`` first, every publish ``manifests/``."""
        return self.storage.is_dir(MANIFESTS) or self.storage.is_dir(RAW)

    def require(self) -> Self:
        """This warehouse, or a clear error when there is none (reading commands never create one)."""
        self.storage.check_reachable()
        if not self.exists():
            missing = self.storage.info("").type.name == "NotFound"
            what = "no such folder" if missing else "not a warehouse: no manifests/ or raw/ in it"
            raise PublishError(
                f"no warehouse at {self.location} ({what}); check --warehouse or $LLM_CATALOG_WAREHOUSE, "
                "or run `llm-catalog sync` to make one"
            )
        return self

    def current_id(self) -> str | None:
        """The id CURRENT names (None before the first publish); a PublishError naming the file when it is not a
        pointer. A sync refuses then rather than guess: CURRENT is written only by a publish, so a broken one is
        damage to look at; the fix is to write ``{"snapshot_id": "<id>"}`` naming a snapshot of manifests/."""
        pointer = self.storage.uri(POINTER)
        content = self.storage.read(POINTER)
        if content is None:
            return None
        try:
            snapshot_id = json.loads(content)["snapshot_id"]
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
        key = f"{MANIFESTS}/{check_snapshot_id(snapshot_id)}.json"
        content = self.storage.read(key)
        if content is None:
            raise PublishError(f"no snapshot {snapshot_id!r} in {self.location} (see `llm-catalog versions`)")
        problem, manifest = _read_manifest(snapshot_id, content)
        if problem:
            raise PublishError(f"{self.storage.uri(key)} is not a snapshot manifest: {problem}")
        return manifest

    def snapshot_ids(self) -> list[str]:
        """Every complete snapshot (one with a manifest that reads), oldest first. A broken manifest, or a file of
        manifests/ not named by an id, is no snapshot (`broken_manifests` names them, and a sync warns)."""
        return [name for name, problem in self._manifest_problems() if problem is None]

    def broken_manifests(self) -> list[tuple[str, str]]:
        """(file, what is wrong) for each file of manifests/ that is not a snapshot's manifest."""
        return [(self.storage.uri(f"{MANIFESTS}/{name}.json"), p) for name, p in self._manifest_problems() if p]

    def _manifest_problems(self) -> list[tuple[str, str | None]]:
        """(name, what is wrong or None) of each file of manifests/, by name; one listing, and the manifests read
        together (concurrently from a bucket)."""
        names = self._manifest_names()
        named = [name for name in names if SNAPSHOT_ID.fullmatch(name)]
        contents = dict(zip(named, self.storage.read_all([f"{MANIFESTS}/{n}.json" for n in named]), strict=True))
        found = []
        for name in names:
            if name not in contents:
                found.append((name, "its name is not a snapshot id"))
            elif contents[name] is None:
                found.append((name, "it vanished while read"))
            else:
                found.append((name, _read_manifest(name, contents[name])[0]))
        return found

    def _manifest_names(self) -> list[str]:
        """The names (without .json) of the files of manifests/, sorted."""
        return [n.removesuffix(".json") for n in self.storage.names(MANIFESTS) if n.endswith(".json")]

    def table_key(self, table: str, snapshot_id: str) -> str:
        return f"{table}/snapshot={snapshot_id}/{PART}"

    def table_path(self, table: str, snapshot_id: str) -> Path:
        """The file of a table of a snapshot in a folder warehouse (for a bucket, ``table_key`` and ``storage``)."""
        return Path(self.storage.path(self.table_key(table, snapshot_id)))

    def latest_as_of(self) -> date | None:
        """The newest date a published snapshot describes (None before the first publish)."""
        current = self.current_id()
        return max(
            self.as_of_each([i for i in self.snapshot_ids() if current is not None and i <= current]), default=None
        )

    @staticmethod
    def earlier_release(manifest: dict) -> bool:
        """Whether a manifest is an earlier release's snapshot (normalized and history tables only)."""
        return bool(manifest.get("stats", {}).get("earlier_release"))

    def as_of(self, snapshot_id: str) -> date:
        """The date a snapshot's data describes (its publishing date for snapshots made before as_of existed)."""
        return _as_of(self.manifest(snapshot_id))

    def as_of_each(self, snapshot_ids: list[str]) -> list[date]:
        """``as_of`` of each snapshot, their manifests read together (concurrently from a bucket)."""
        keys = [f"{MANIFESTS}/{check_snapshot_id(i)}.json" for i in snapshot_ids]
        dates = []
        for snapshot_id, content in zip(snapshot_ids, self.storage.read_all(keys), strict=True):
            problem, manifest = _read_manifest(snapshot_id, content) if content else ("it vanished while read", {})
            dates.append(_as_of(manifest) if not problem else self.as_of(snapshot_id))  # the latter names the file
        return dates


def _read_manifest(name: str, content: bytes) -> tuple[str | None, dict]:
    """(what is wrong with the manifest ``name`` (its file name without .json) or None, its content)."""
    try:
        manifest = json.loads(content)
    except ValueError as exc:
        return f"not readable JSON ({_what_is_wrong(exc)})", {}
    if not isinstance(manifest, dict):
        return f"a JSON {type(manifest).__name__}, not an object", {}
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if missing:
        return f"missing {', '.join(repr(k) for k in missing)}", {}
    if manifest["snapshot_id"] != name:
        return f"it names snapshot {manifest['snapshot_id']!r}, not {name!r}", {}
    return None, manifest


def _as_of(manifest: dict) -> date:
    return date.fromisoformat(manifest.get("as_of") or manifest["created_at"][:10])


def _what_is_wrong(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"no key {exc.args[0]!r}"
    if isinstance(exc, TypeError):
        return "not a JSON object"
    return str(exc)
