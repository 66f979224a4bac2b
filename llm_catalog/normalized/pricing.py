"""A pricing source's payload normalized by its registry entry's ``normalize`` hook: the same six tables for every
source (schemas.NORMALIZED), which reconciliation makes one catalog of."""

from __future__ import annotations

from datetime import UTC, date, datetime

from llm_catalog import schemas
from llm_catalog.normalized.litellm.normalize import NormalizedMap
from llm_catalog.sources.fetch import RawPayload
from llm_catalog.sources.source import Source


def payload_as_of(payload: dict) -> date:
    """The day a payload's statements are of: its release's upload day when it came from a release (a bundled
    copy), else the day it was fetched (UTC)."""
    stamp = payload.get("released") or payload.get("fetched_at")
    return datetime.fromisoformat(stamp).astimezone(UTC).date() if stamp else datetime.now(UTC).date()


def is_skipped(payload: dict) -> bool:
    """A payload the sync could not read (turned off, or unreachable with nothing to fall back on)."""
    return payload.get("status") == "skipped"


def normalize_source(source: Source, payload: dict) -> NormalizedMap:
    """``source``'s payload as its normalize hook reads it; empty tables, with the reason, when it was skipped."""
    if is_skipped(payload):
        empty = {name: schema.empty_table() for name, schema in schemas.NORMALIZED.items()}
        return NormalizedMap(tables=empty, stats={"skipped": payload.get("note") or "skipped", "rejects_by_rule": {}})
    raw = RawPayload.from_dict(payload)
    return source.normalize(raw.read_bytes(), source=f"{source.name} ({raw.origin})", as_of=payload_as_of(payload))
