"""Publishing a snapshot: planned first (its id, the snapshot it follows, its as_of), so that the history can be
carried to it; then, under the lock, each table's file written under the snapshot's own partition, the manifest
written, and the pointer moved last. A reader that follows ``CURRENT`` (or a manifest) never sees a half-written
snapshot, in a folder or a bucket."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.warehouse.layout import MANIFESTS, POINTER, SNAPSHOT_ID_FORMAT, VALIDATION, reached
from llm_catalog.warehouse.maintenance import WarehouseMaintenance
from llm_catalog.warehouse.raw_payloads import raw_payloads_kept
from llm_catalog.warehouse.version import fingerprint

MANIFEST_SOURCE_FIELDS = ("source", "origin", "sha256", "size_bytes", "version", "status")


def utc_now() -> datetime:
    """The publishing clock (a test sets it back to play a clock that steps back)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class SnapshotPlan:
    """The snapshot a sync will publish, decided before its history is computed (the history names it)."""

    snapshot_id: str
    previous_snapshot_id: str | None  # CURRENT when planned: the publish refuses if it moved since
    as_of: date
    created_at: datetime
    fingerprint: str
    code_version: str
    # the snapshots of earlier releases published first, oldest first: this one follows the last of them
    earlier: tuple[SnapshotPlan, ...] = ()

    @property
    def base_snapshot_id(self) -> str | None:
        """The snapshot current when planned, which the first of the chain follows."""
        return (self.earlier[0] if self.earlier else self).previous_snapshot_id

    def to_dict(self) -> dict:
        return {
            "snapshot_id": self.snapshot_id,
            "previous_snapshot_id": self.previous_snapshot_id,
            "as_of": self.as_of.isoformat(),
            "created_at": self.created_at.isoformat(),
            "fingerprint": self.fingerprint,
            "code_version": self.code_version,
            "earlier": [plan.to_dict() for plan in self.earlier],
        }

    @classmethod
    def from_dict(cls, plan: dict) -> SnapshotPlan:
        return cls(
            plan["snapshot_id"],
            plan["previous_snapshot_id"],
            date.fromisoformat(plan["as_of"]),
            datetime.fromisoformat(plan["created_at"]),
            plan["fingerprint"],
            plan["code_version"],
            tuple(cls.from_dict(earlier) for earlier in plan.get("earlier", [])),
        )


@dataclass(frozen=True)
class PublishResult:
    published: bool
    snapshot_id: str  # the new snapshot, or the current one when nothing was published
    fingerprint: str
    manifest: dict


class WarehousePublisher(WarehouseMaintenance):
    def plan(
        self,
        *,
        sources: list[dict],
        code: str,
        as_of: date | None = None,
        now: datetime | None = None,
        earlier: list[tuple[list[dict], date]] = (),
    ) -> SnapshotPlan:
        """The snapshot publishing ``sources`` with ``code`` would make on top of the current one. ``as_of`` is the
        date the data describes (default: today, UTC); ``now`` is the publishing time. ``earlier``: the sources and
        date of each earlier release to publish first, oldest first (not when the sources are unchanged); their ids
        are a second apart before ``now``, so that ids keep the publishing order."""
        key = fingerprint(sources, code)
        current = self.current_id()
        now = self._after_every_snapshot((now or utc_now()).replace(microsecond=0), len(earlier))
        unchanged = current is not None and self.manifest(current)["fingerprint"] == key
        chain, follows = [], current
        for back, (earlier_sources, day) in enumerate([] if unchanged else earlier):
            created = now - timedelta(seconds=len(earlier) - back)
            earlier_key = fingerprint(earlier_sources, code)
            chain.append(
                SnapshotPlan(f"{created:%Y%m%dT%H%M%SZ}-{earlier_key[:8]}", follows, day, created, earlier_key, code)
            )
            follows = chain[-1].snapshot_id
        plan = SnapshotPlan(
            f"{now:%Y%m%dT%H%M%SZ}-{key[:8]}", follows, as_of or now.date(), now, key, code, tuple(chain)
        )
        if not unchanged:  # unchanged: the publish says so
            published = [i for i in self.snapshot_ids() if current is not None and i <= current]
            for planned in (*chain, plan):
                self._refuse_out_of_order(planned, published)
        return plan

    def _after_every_snapshot(self, now: datetime, earlier: int) -> datetime:
        """``now``, or when the clock is behind (stepped back, or another host's) the second after the newest
        snapshot's id, with room for ``earlier`` snapshots before: a new id sorts after every existing one, since
        "published" and the cleanup go by id order."""
        newest = max(self.snapshot_ids(), default=None)
        if newest is None:
            return now
        floor = datetime.strptime(newest[:16], SNAPSHOT_ID_FORMAT).replace(tzinfo=UTC)
        return max(now, floor + timedelta(seconds=earlier + 1))

    def _refuse_out_of_order(self, plan: SnapshotPlan, published: list[str]) -> None:
        if plan.snapshot_id in published:
            raise PublishError(f"snapshot {plan.snapshot_id} exists already")
        if published and plan.snapshot_id < max(published):  # ids keep the publishing order ("published" needs it)
            raise PublishError(f"snapshot {plan.snapshot_id} would sort before {max(published)}; sync again")
        latest = max(self.as_of_each(published), default=None)
        if latest is not None and plan.as_of < latest:
            # history is read in as_of order and CURRENT is the newest: an older snapshot cannot go on top
            raise PublishError(
                f"refusing a snapshot as of {plan.as_of}: the warehouse already has one as of "
                f"{latest}; backfill into an empty warehouse, oldest first"
            )

    def publish(
        self,
        tables: dict[str, pa.Table],
        plan: SnapshotPlan,
        *,
        sources: list[dict],
        stats: dict | None = None,
        validation: list[dict] | None = None,
        required: frozenset[str] = schemas.FULL_SNAPSHOT,
    ) -> PublishResult:
        """Publish ``tables`` (every table of a snapshot, the history tables carried to ``plan`` included) as the
        planned snapshot, unless the sources and code are those of the current one. ``validation``: the Great
        Expectations reports the tables passed, kept beside the snapshot. ``required``: the tables it must have
        (``schemas.EARLIER_SNAPSHOT`` for an earlier release's)."""
        missing = required - {"snapshots"} - set(tables)  # the publisher writes `snapshots` itself
        if missing:
            raise PublishError(f"refusing to publish: tables missing {sorted(missing)}")
        for name, table in tables.items():
            expected = schemas.PUBLISHED_TABLES.get(name)
            if expected is not None and not table.schema.equals(expected):
                raise PublishError(f"table {name} does not match its published schema:\n{table.schema}")
        with self.lock() as lock:
            self.clean_leftovers()  # under the lock: whatever a dead publish left, before anything else
            key = fingerprint(sources, plan.code_version)
            if key != plan.fingerprint:
                raise PublishError(
                    f"snapshot {plan.snapshot_id} was planned for other sources or code "
                    f"(fingerprint {plan.fingerprint[:8]}, these make {key[:8]}); nothing published"
                )
            current = self.current_id()
            if current is not None and self.manifest(current)["fingerprint"] == key:
                return PublishResult(False, current, key, self.manifest(current))
            if current != plan.previous_snapshot_id:
                raise PublishError(
                    f"refusing to publish {plan.snapshot_id}: it was planned on top of snapshot "
                    f"{plan.previous_snapshot_id}, but the current one is now {current}, so its "
                    "history tables are stale; nothing published (sync again)"
                )
            self._refuse_out_of_order(plan, self.snapshot_ids())
            pointer = self.storage.read(POINTER)
            written = self._write(tables, plan, sources=sources, stats=stats, validation=validation)
            lock.check_held()  # a bucket's lease taken over meanwhile: leave the pointer to the sync that holds it
            self.storage.swap(POINTER, json.dumps({"snapshot_id": plan.snapshot_id}).encode(), expected=pointer)
            reached(self.location, "pointer_moved")
            return written

    def _write(self, tables, plan: SnapshotPlan, *, sources, stats, validation) -> PublishResult:
        """Each table's file in place (each appears whole: a renamed temporary file, or an S3 object), the raw
        payloads a bucket lacks, the validation reports and the manifest; the caller moves the pointer, only if it
        still holds what it held when the publish checked it (a conditional write on a bucket)."""
        snapshot_id, storage = plan.snapshot_id, self.storage
        files = {}
        for i, (name, table) in enumerate({**tables, "snapshots": _snapshot_row(tables, plan, sources)}.items()):
            if i == 2:
                reached(self.location, "writing_parquet")
            key = self.table_key(name, snapshot_id)
            size, digest = storage.write_table(key, table)
            files[name] = {"path": key, "rows": table.num_rows, "bytes": size, "sha256": digest}
        reached(self.location, "tables_moved")
        sources = raw_payloads_kept(self, sources)
        if validation is not None:
            storage.write(f"{VALIDATION}/{snapshot_id}.json", json.dumps(validation, indent=1).encode())
        manifest = {
            "snapshot_id": snapshot_id,
            "created_at": plan.created_at.isoformat(),
            "as_of": plan.as_of.isoformat(),
            "fingerprint": plan.fingerprint,
            "code_version": plan.code_version,
            "previous_snapshot_id": plan.previous_snapshot_id,
            "sources": sources,
            "tables": files,
            "stats": stats or {},
            "validation": [
                {k: report[k] for k in ("table", "rows", "success", "errors", "warnings")}
                for report in validation or []
            ],
        }
        storage.write(f"{MANIFESTS}/{snapshot_id}.json", json.dumps(manifest, indent=2).encode())
        reached(self.location, "manifest_written")
        return PublishResult(True, snapshot_id, plan.fingerprint, manifest)


def _snapshot_row(tables: dict[str, pa.Table], plan: SnapshotPlan, sources: list[dict]) -> pa.Table:
    """The ``snapshots`` table of a snapshot: one row saying what it is and what it was made from."""
    row_counts = {name: table.num_rows for name, table in tables.items()}
    row_counts["snapshots"] = 1
    return pa.Table.from_pylist(
        [
            {
                "snapshot_id": plan.snapshot_id,
                "created_at": plan.created_at,
                "as_of": plan.as_of,
                "fingerprint": plan.fingerprint,
                "code_version": plan.code_version,
                "sources": [{k: s.get(k) for k in MANIFEST_SOURCE_FIELDS} for s in sources],
                "row_counts": list(row_counts.items()),
            }
        ],
        schema=schemas.SNAPSHOTS,
    )
