"""Keeping a warehouse tidy: removing what a killed publish left, old snapshots, finished runs' scratch space, and
the local copies of payloads a bucket holds."""

from __future__ import annotations

import shutil

from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.warehouse.layout import MANIFESTS, RUN_SCRATCH, STAGING, VALIDATION, reached
from llm_catalog.warehouse.raw_payloads import drop_local_copies
from llm_catalog.warehouse.reading import WarehouseReader


class WarehouseMaintenance(WarehouseReader):
    def clean_leftovers(self) -> list[str]:
        """Remove what a publish that died part-way left: staging folders, temporary files, snapshots the pointer
        never reached (newer than the current one, and not one it follows), and table folders with no manifest.
        Never a snapshot that was current: one the current snapshot follows stays, even with a newer id (a clock
        that stepped back once made such ids), and a broken manifest is left alone, with its files. Call under the
        lock."""
        removed = []
        current = self.current_id()
        newer = [i for i in self.snapshot_ids() if current is None or i > current]
        was_current = self._lineage(current) if newer else set()
        storage = self.storage
        for snapshot_id in newer:
            if snapshot_id not in was_current:
                # manifest first: once it is gone the snapshot no longer counts as complete
                storage.delete(f"{MANIFESTS}/{snapshot_id}.json")
                storage.delete(f"{VALIDATION}/{snapshot_id}.json")
                removed.append(f"{MANIFESTS}/{snapshot_id}.json")
        for leftover in storage.names(STAGING):  # a folder warehouse's publishes before tables were written in place
            storage.delete_tree(f"{STAGING}/{leftover}")
            removed.append(f"{STAGING}/{leftover}")
        for folder in ("", MANIFESTS, VALIDATION):
            for tmp in [n for n in storage.names(folder) if n.startswith(".") and ".tmp-" in n]:
                storage.delete(f"{folder}/{tmp}".lstrip("/"))
                removed.append(f"{folder}/{tmp}".lstrip("/"))
        complete = set(self._manifest_names())  # a broken manifest's files are kept too
        for name in schemas.PUBLISHED_TABLES:
            for partition in storage.names(name):
                if partition.startswith("snapshot=") and partition.removeprefix("snapshot=") not in complete:
                    storage.delete_tree(f"{name}/{partition}")
                    removed.append(f"{name}/{partition}")
                    reached(self.location, "removing_leftovers")  # part-way through: a reader may look meanwhile
        return removed

    def _lineage(self, snapshot_id: str | None) -> set[str]:
        """``snapshot_id`` and every snapshot it follows (each manifest names the one before), as far as their
        manifests go: the snapshots that were current before it."""
        lineage, complete = set(), set(self.snapshot_ids())
        while snapshot_id in complete and snapshot_id not in lineage:
            lineage.add(snapshot_id)
            snapshot_id = self.manifest(snapshot_id).get("previous_snapshot_id")
        return lineage

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
                self.storage.delete(f"{MANIFESTS}/{snapshot_id}.json")  # first: no longer a complete snapshot
                self.storage.delete(f"{VALIDATION}/{snapshot_id}.json")
                for name in schemas.PUBLISHED_TABLES:
                    self.storage.delete_tree(f"{name}/snapshot={snapshot_id}")
            return doomed

    def gc_run_scratch(self, *, active: set[str]) -> list[tuple[str, int]]:
        """Remove the scratch space (``_io/runs/<run_id>``) of every run not in ``active``: finished, failed or
        killed runs. Returns (run id, bytes freed) for each. Under the lock, so no CLI sync is writing meanwhile."""
        runs = self.work_dir / RUN_SCRATCH
        removed = []
        with self.lock():
            for folder in sorted(runs.iterdir()) if runs.exists() else []:
                if folder.name in active or not folder.is_dir():
                    continue
                size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
                shutil.rmtree(folder, ignore_errors=True)  # a local folder: run storage stays with the machine
                removed.append((folder.name, size))
        return removed

    def gc_local_payloads(self) -> list[tuple[str, int]]:
        """Remove the work folder's copies of the raw payloads a bucket warehouse holds: (key, bytes) of each."""
        with self.lock():
            return drop_local_copies(self)
