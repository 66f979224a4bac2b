"""The history a sync publishes before its own snapshot: the bundled earlier releases of the map that the warehouse's
history lacks, each normalized like the map itself and carried through the history step, oldest first.

A fresh warehouse thus starts with a year of real history (one snapshot per bundled month) instead of one snapshot
and flat lines. Those earlier snapshots hold the normalized tables and the history tables up to them, not the
similarity, benchmark and model tables, which are for the current snapshot.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime

import pyarrow as pa

from llm_catalog.history.step import step
from llm_catalog.machine import usable_cores
from llm_catalog.normalized.litellm.normalize import NormalizedMap, normalize_payload
from llm_catalog.sources.fetch import RawPayload


def release_day(released: str) -> date:
    """The date (UTC) of a release's upload time, ISO 8601."""
    return datetime.fromisoformat(released).astimezone(UTC).date()


def sync_as_of(requested: str, released: str | None, latest: date | None, *, today: date | None = None) -> date:
    """The date a sync's snapshot describes: the one asked for; else the day its map was released, when the map
    says (a bundled copy), but never before the newest published snapshot (history is read in as_of order); else
    today (UTC)."""
    if requested:
        return date.fromisoformat(requested)
    today = today or datetime.now(UTC).date()
    if released is None:
        return today
    day = release_day(released)
    return max(day, latest) if latest is not None else day


def pending(releases: list[dict], *, after: date | None, before: date, current_sha256: str) -> list[dict]:
    """The releases a sync publishes before its own snapshot: dated after the newest published snapshot and before
    the sync's own date, leaving out the map the sync itself publishes; oldest first."""
    return [
        release
        for release in releases
        if (after is None or release_day(release["released"]) > after)
        and release_day(release["released"]) < before
        and release["sha256"] != current_sha256
    ]


def release_tables(payload: dict) -> NormalizedMap:
    """A release's map normalized exactly as a sync normalizes the map it publishes."""
    raw = RawPayload.from_dict(payload)
    return normalize_payload(raw.read_bytes(), source=f"{raw.source} ({raw.origin})")


def releases_tables(payloads: list[dict], *, processes: int | None = None) -> Iterator[NormalizedMap]:
    """release_tables of each payload, in order, as each is ready. Normalizing a map is pure Python (about 0.65 s a
    month on this machine's cores, 8 s for the bundled year), so more than one map is normalized in that many
    processes (default: one per core the process may use) while the caller carries the history through the ones
    that are ready. Spawned, not forked: the sync's process holds DuckDB's and Dagster's threads."""
    processes = min(len(payloads), processes or usable_cores())
    if processes < 2:
        yield from map(release_tables, payloads)
        return
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield from pool.map(release_tables, payloads)
    finally:  # a caller that stops early (a release refused) does not wait for the months after it
        pool.shutdown(cancel_futures=True)


def carry(
    previous: dict[str, pa.Table] | None, previous_snapshot_id: str | None, snapshot_id: str, as_of: date, state: dict
) -> dict[str, pa.Table]:
    """The state tables of ``state`` with the history carried to them from ``previous`` (its state and history
    tables; None for the first snapshot): every table an earlier snapshot publishes. An earlier snapshot has one
    source and no disagreements table: the step reads it as one where no source disagreed (step.price_statements),
    so the move from it to a reconciled snapshot is still told apart as correction or price change."""
    history = step(previous, state, snapshot_id=snapshot_id, previous_snapshot_id=previous_snapshot_id, as_of=as_of)
    return {**state, **history}
