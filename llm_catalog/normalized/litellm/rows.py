"""The rows of each normalized table, collected while the map's entries are walked."""

from __future__ import annotations

import json
from collections import Counter

import pyarrow as pa

from llm_catalog import schemas


def as_json(value) -> str:
    return json.dumps(value, sort_keys=True, default=str, allow_nan=True)


def storable(text: str | None) -> str | None:
    """``text`` as UTF-8 can store it: a lone surrogate (which JSON allows and UTF-8 does not) is spelled \\udXXX."""
    if text is None or text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class TableRows:
    """Rows per normalized table, in the order they are found; ``reject`` adds one to ``rejects``."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in schemas.NORMALIZED}

    def reject(self, route_id, field_name, value, rule, message, severity="error"):
        self.rows["rejects"].append(
            {
                "route_id": storable(route_id),
                "field": storable(field_name),
                "value": as_json(value),
                "rule": rule,
                "message": message,
                "severity": severity,
            }
        )

    def rejects_by_rule(self) -> dict[str, int]:
        """``{"rule (severity)": count}``, sorted: what every normalizer's stats report of its rejects."""
        found = Counter((r["rule"], r["severity"]) for r in self.rows["rejects"])
        return {f"{rule} ({severity})": n for (rule, severity), n in sorted(found.items())}

    def tables(self) -> dict[str, pa.Table]:
        return {name: pa.Table.from_pylist(rows, schema=schemas.NORMALIZED[name]) for name, rows in self.rows.items()}
