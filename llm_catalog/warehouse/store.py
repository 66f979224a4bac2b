"""The versioned Parquet warehouse: immutable snapshots, a manifest per snapshot, and an atomically moved pointer.

Layout (every path relative to the warehouse root)::

    <table>/snapshot=<id>/part-0.parquet   one folder per table and snapshot (hive-partitioned by snapshot)
    manifests/<id>.json                    sources, code version, row counts, file checksums
    CURRENT                                the current snapshot id; replaced last, atomically
    raw/<source>/<sha256>.gz               every raw payload ever ingested, content-addressed
    validation/<id>.json                   the Great Expectations results the snapshot passed
    _staging/<id>/                         a publish in progress (never read by consumers)
    _io/                                   the Dagster run's working storage (never read by consumers)

A publish writes everything under ``_staging``, renames each table folder into place, writes the manifest, and only
then replaces ``CURRENT``. A reader that follows ``CURRENT`` (or a manifest) never sees a half-written snapshot.
Only one process writes at a time (``llm_catalog.lock``); the next publish removes what a killed one left.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from llm_catalog.history import step as history
from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.warehouse.lock import WarehouseLock
from llm_catalog.paths import DATA_DIR, REPO_ROOT

POINTER = "CURRENT"
MANIFESTS = "manifests"
STAGING = "_staging"
VALIDATION = "validation"
RAW = "raw"
PART = "part-0.parquet"
RUN_SCRATCH = "_io/runs"  # a Dagster run's working storage, one folder per run id (assets.resources.work_dir)
# fault injection for the crash tests: LLM_CATALOG_PAUSE_AT=<checkpoint> makes a publish stop there and wait
PAUSE_ENV = "LLM_CATALOG_PAUSE_AT"
CHECKPOINTS = ("removing_leftovers", "writing_parquet", "tables_moved", "manifest_written", "pointer_moved")

# what decides the published data besides the inputs: a change here is a new code version
_CODE_GLOBS = ("llm_catalog/**/*.py", "assets/**/*.py", "sql/**/*.sql")
_CODE_DATA = ("providers.csv", "model_aliases.csv", "model_families.csv")  # model_cards.csv is a source


def code_version() -> str:
    """sha256 over the source files and curated tables that shape the output (12 hex digits)."""
    digest = hashlib.sha256()
    files = sorted({p for pattern in _CODE_GLOBS for p in REPO_ROOT.glob(pattern)} | {DATA_DIR / n for n in _CODE_DATA})
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def fingerprint(sources: list[dict], code: str) -> str:
    """What a snapshot was made from: the sources' sha256 and the code version."""
    key = {"code_version": code, "sources": sorted((s["source"], s.get("sha256") or "") for s in sources)}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _fsync_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _checkpoint(root: Path, name: str) -> None:
    if os.environ.get(PAUSE_ENV) == name:
        (root / f"_paused_at_{name}").write_text(str(os.getpid()))
        time.sleep(3600)  # the test kills us here


@dataclass(frozen=True)
class PublishResult:
    published: bool
    snapshot_id: str  # the new snapshot, or the current one when nothing was published
    fingerprint: str
    manifest: dict


class Warehouse:
    def __init__(self, root: Path, *, lock_timeout: float = 600.0):
        self.root = Path(root)
        self.lock_timeout = lock_timeout

    def lock(self) -> WarehouseLock:
        return WarehouseLock(self.root, timeout=self.lock_timeout)

    # ---- reading -------------------------------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether this is a warehouse: every sync writes ``raw/`` first, every publish ``manifests/``."""
        return (self.root / MANIFESTS).is_dir() or (self.root / RAW).is_dir()

    def require(self) -> "Warehouse":
        """This warehouse, or a clear error when there is none (reading commands never create one)."""
        if not self.exists():
            what = "no such folder" if not self.root.exists() else "not a warehouse: no manifests/ or raw/ in it"
            raise PublishError(f"no warehouse at {self.root} ({what}); check --warehouse or $LLM_CATALOG_WAREHOUSE, "
                               "or run `llm-catalog sync` to make one")
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

    def as_of(self, snapshot_id: str) -> date:
        """The date a snapshot's data describes (its publishing date for snapshots made before as_of existed)."""
        manifest = self.manifest(snapshot_id)
        return date.fromisoformat(manifest.get("as_of") or manifest["created_at"][:10])

    def snapshot_at(self, day: date) -> str:
        """The snapshot current on ``day``: the newest with as_of on or before it."""
        candidates = [(self.as_of(i), i) for i in self.snapshot_ids()]
        current = self.current_id()
        eligible = [c for c in candidates if c[0] <= day and (current is None or c[1] <= current)]
        if not eligible:
            raise PublishError(f"no snapshot in {self.root} is as of {day} or earlier")
        return max(eligible)[1]

    def read_table(self, table: str, snapshot_id: str) -> pa.Table:
        return pq.read_table(self.table_path(table, snapshot_id))

    def table_glob(self, table: str) -> str:
        """All versions of a table: query with ``read_parquet(glob, hive_partitioning=true)``."""
        return str(self.root / table / "*" / "*.parquet")

    # ---- publishing ----------------------------------------------------------------------------------------------
    def publish(
        self,
        tables: dict[str, pa.Table],
        *,
        sources: list[dict],
        code: str,
        stats: dict | None = None,
        validation: list[dict] | None = None,
        as_of: date | None = None,
        now: datetime | None = None,
    ) -> PublishResult:
        """Publish ``tables`` as a new snapshot, unless the sources and code are those of the current one.
        ``as_of`` is the date the data describes (default: today, UTC); ``now`` is the publishing time."""
        with self.lock():
            return self._publish(tables, sources=sources, code=code, stats=stats, validation=validation,
                                 as_of=as_of, now=now)

    def _publish(self, tables, *, sources, code, stats, validation, as_of, now) -> PublishResult:
        missing = set(schemas.TABLES) - set(tables)
        if missing:
            raise PublishError(f"refusing to publish: tables missing {sorted(missing)}")
        for name, table in tables.items():
            if name in schemas.TABLES and not table.schema.equals(schemas.TABLES[name]):
                raise PublishError(f"table {name} does not match its published schema:\n{table.schema}")
        self.clean_leftovers()  # under the lock: whatever a dead publish left, before anything else
        print_key = fingerprint(sources, code)
        current = self.current_id()
        if current is not None:
            current_manifest = self.manifest(current)
            if current_manifest["fingerprint"] == print_key:
                return PublishResult(False, current, print_key, current_manifest)

        now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
        as_of = as_of or now.date()
        snapshot_id = f"{now:%Y%m%dT%H%M%SZ}-{print_key[:8]}"
        if snapshot_id in self.snapshot_ids():
            raise PublishError(f"snapshot {snapshot_id} exists already")
        latest = max((self.as_of(i) for i in self.snapshot_ids()), default=None)
        if latest is not None and as_of < latest:
            # history is read in as_of order and CURRENT is the newest: an older snapshot cannot go on top
            raise PublishError(f"refusing a snapshot as of {as_of}: the warehouse already has one as of {latest}; "
                               "backfill into an empty warehouse, oldest first")

        # carry the history one step: the current snapshot's history and state, plus what changed since
        previous = None
        if current is not None:
            previous = {name: self.read_table(name, current) for name in (*history.STATE_TABLES, *schemas.HISTORY)
                        if self.table_path(name, current).exists()}
        tables = {**tables, **history.step(previous, tables, snapshot_id=snapshot_id, previous_snapshot_id=current,
                                           as_of=as_of)}
        if validation is not None:  # the history tables are validated here, where they are made
            from llm_catalog.checks.expectations import validate

            route_ids = tables["routes"].column("route_id").to_pylist()
            reports = [validate(name, tables[name], route_ids=route_ids) for name in schemas.HISTORY]
            failed = [r.summary() for r in reports if not r.success]
            if failed:
                raise PublishError(f"history tables failed validation; nothing published: {'; '.join(failed)}")
            validation = [*validation, *(r.to_dict() for r in reports)]

        row_counts = {name: table.num_rows for name, table in tables.items()}
        row_counts["snapshots"] = 1
        snapshot_row = pa.Table.from_pylist(
            [
                {
                    "snapshot_id": snapshot_id,
                    "created_at": now,
                    "as_of": as_of,
                    "fingerprint": print_key,
                    "code_version": code,
                    "sources": [
                        {k: s.get(k) for k in ("source", "origin", "sha256", "size_bytes", "version", "status")}
                        for s in sources
                    ],
                    "row_counts": list(row_counts.items()),
                }
            ],
            schema=schemas.SNAPSHOTS,
        )
        staging = self.root / STAGING / snapshot_id
        files = {}
        for i, (name, table) in enumerate({**tables, "snapshots": snapshot_row}.items()):
            if i == 2:
                _checkpoint(self.root, "writing_parquet")
            expected = schemas.PUBLISHED_TABLES.get(name)
            if expected is not None and not table.schema.equals(expected):
                raise PublishError(f"table {name} does not match its published schema:\n{table.schema}")
            path = staging / name / PART
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, path, compression="zstd")
            files[name] = {
                "path": f"{name}/snapshot={snapshot_id}/{PART}",
                "rows": table.num_rows,
                "bytes": path.stat().st_size,
                "sha256": _sha256_file(path),
            }
        for name in files:
            target = self.root / name / f"snapshot={snapshot_id}"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(staging / name, target)  # atomic: a table's partition appears whole or not at all
        _checkpoint(self.root, "tables_moved")
        if validation is not None:
            _fsync_write(self.root / VALIDATION / f"{snapshot_id}.json", json.dumps(validation, indent=1).encode())
        manifest = {
            "snapshot_id": snapshot_id,
            "created_at": now.isoformat(),
            "as_of": as_of.isoformat(),
            "fingerprint": print_key,
            "code_version": code,
            "previous_snapshot_id": current,
            "sources": sources,
            "tables": files,
            "stats": stats or {},
            "validation": [
                {k: report[k] for k in ("table", "rows", "success", "errors", "warnings")} for report in validation or []
            ],
        }
        _fsync_write(self.root / MANIFESTS / f"{snapshot_id}.json", json.dumps(manifest, indent=2).encode())
        _checkpoint(self.root, "manifest_written")
        self._move_pointer(snapshot_id)
        _checkpoint(self.root, "pointer_moved")
        shutil.rmtree(staging, ignore_errors=True)
        return PublishResult(True, snapshot_id, print_key, manifest)

    def _move_pointer(self, snapshot_id: str) -> None:
        _fsync_write(self.root / POINTER, json.dumps({"snapshot_id": snapshot_id}).encode())

    def clean_leftovers(self) -> list[str]:
        """Remove what a publish that died part-way left: staging folders, temporary files, snapshots the pointer
        never reached (newer than the current one), and table folders with no manifest. Call under the lock."""
        removed = []
        current = self.current_id()
        for snapshot_id in self.snapshot_ids():
            if current is None or snapshot_id > current:
                # manifest first: once it is gone the snapshot no longer counts as complete
                (self.root / MANIFESTS / f"{snapshot_id}.json").unlink()
                (self.root / VALIDATION / f"{snapshot_id}.json").unlink(missing_ok=True)
                removed.append(f"{MANIFESTS}/{snapshot_id}.json")
        staging = self.root / STAGING
        if staging.exists():
            for leftover in staging.iterdir():
                shutil.rmtree(leftover, ignore_errors=True)
                removed.append(str(leftover.relative_to(self.root)))
        for folder in (self.root, self.root / MANIFESTS, self.root / VALIDATION):
            for tmp in folder.glob(".*.tmp-*") if folder.exists() else []:
                tmp.unlink(missing_ok=True)
                removed.append(str(tmp.relative_to(self.root)))
        complete = set(self.snapshot_ids())
        for name in schemas.PUBLISHED_TABLES:
            folder = self.root / name
            if not folder.exists():
                continue
            for partition in folder.glob("snapshot=*"):
                if partition.name.removeprefix("snapshot=") not in complete:
                    shutil.rmtree(partition, ignore_errors=True)
                    removed.append(str(partition.relative_to(self.root)))
                    _checkpoint(self.root, "removing_leftovers")  # (a test reads the warehouse here)
        for marker in self.root.glob("_paused_at_*"):
            marker.unlink(missing_ok=True)
        return removed

    def gc(self, *, keep: int) -> list[str]:
        """Remove all but the newest ``keep`` snapshots, never the current one. Safe for history: each snapshot
        carries the whole history up to it, so the current one still covers what is removed."""
        if keep < 1:
            raise PublishError("gc keeps at least one snapshot (--keep 1 or more)")
        with self.lock():
            ids = self.snapshot_ids()
            current = self.current_id()
            doomed = [i for i in ids[: max(0, len(ids) - keep)] if i != current]
            for snapshot_id in doomed:
                (self.root / MANIFESTS / f"{snapshot_id}.json").unlink()  # first: no longer a complete snapshot
                (self.root / VALIDATION / f"{snapshot_id}.json").unlink(missing_ok=True)
                for name in schemas.PUBLISHED_TABLES:
                    shutil.rmtree(self.root / name / f"snapshot={snapshot_id}", ignore_errors=True)
            return doomed

    def gc_run_scratch(self, *, active: set[str]) -> list[tuple[str, int]]:
        """Remove the scratch space (``_io/runs/<run_id>``) of every run not in ``active``: finished, failed or
        killed runs. Returns (run id, bytes freed) for each. Under the lock, so no CLI sync is writing meanwhile."""
        runs = self.root / RUN_SCRATCH
        removed = []
        with self.lock():
            for folder in sorted(runs.iterdir()) if runs.exists() else []:
                if folder.name in active or not folder.is_dir():
                    continue
                size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
                shutil.rmtree(folder, ignore_errors=True)
                removed.append((folder.name, size))
        return removed

    # ---- checking ------------------------------------------------------------------------------------------------
    def verify(self, snapshot_id: str | None = None) -> list[str]:
        """What is wrong with a snapshot's files, measured against its manifest (empty: nothing)."""
        problems = []
        snapshot_id = snapshot_id or self.current_id()
        if snapshot_id is None:
            return [f"no current snapshot in {self.root}"]
        try:
            manifest = self.manifest(snapshot_id)
        except PublishError as exc:
            return [str(exc)]
        for name in schemas.PUBLISHED_TABLES:
            info = manifest["tables"].get(name)
            if info is None:
                problems.append(f"{name}: not in the manifest")
                continue
            path = self.root / info["path"]
            if not path.is_file():
                problems.append(f"{name}: {info['path']} is missing")
                continue
            if _sha256_file(path) != info["sha256"]:
                problems.append(f"{name}: {info['path']} does not match its sha256 in the manifest")
                continue
            try:
                metadata = pq.read_metadata(path)
                schema = pq.read_schema(path)
            except Exception as exc:  # noqa: BLE001 - any unreadable file is a finding, not a crash
                problems.append(f"{name}: {info['path']} is not readable Parquet ({exc})")
                continue
            if metadata.num_rows != info["rows"]:
                problems.append(f"{name}: {metadata.num_rows} rows, the manifest says {info['rows']}")
            if not schema.equals(schemas.PUBLISHED_TABLES[name], check_metadata=False):
                problems.append(f"{name}: schema differs from the published contract")
        if manifest.get("validation") and not (self.root / VALIDATION / f"{snapshot_id}.json").is_file():
            problems.append(f"validation/{snapshot_id}.json is missing")
        return problems
