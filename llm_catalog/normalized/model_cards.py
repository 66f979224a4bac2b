"""model_cards: the curated data/benchmarks/model_cards.csv, vendor-reported figures, each with its source URL and
the date it was checked."""

from __future__ import annotations

import csv
import io
from datetime import date

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.fields import day
from llm_catalog.normalized.parsed import ParsedSource, score_row

ATTRIBUTION = "vendor model cards (self-reported; see source_url)"
UNITS = ("percent", "fraction", "elo", "index", "score")
REQUIRED = {"model", "benchmark", "score", "unit", "source_url", "checked"}


def parse_model_cards(data: bytes, *, source: str = "model_cards") -> list[dict]:
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        records = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BrokenPayloadError(source, f"not a readable CSV file: {exc}") from exc
    missing = REQUIRED - set(reader.fieldnames or [])
    if missing:
        raise BrokenPayloadError(source, f"missing columns {sorted(missing)}")
    rows = []
    for i, record in enumerate(records, start=2):
        entry = f"line {i} ({record['model']} {record['benchmark']})"
        try:
            score = float(record["score"])
        except ValueError as exc:
            raise BrokenPayloadError(
                source, f"score {record['score']!r} is not a number", entry=entry, field="score"
            ) from exc
        if record["unit"] not in UNITS:
            raise BrokenPayloadError(
                source, f"unit {record['unit']!r} is not one of {UNITS}", entry=entry, field="unit"
            )
        rows.append(
            score_row(
                benchmark=record["benchmark"],
                benchmark_name=record.get("benchmark_name") or record["benchmark"],
                variant=record.get("variant") or None,
                metric=record.get("metric") or None,
                unit=record["unit"],
                score=score,
                higher_is_better=(record.get("higher_is_better") or "true").lower() == "true",
                reasoning_effort=record.get("reasoning_effort") or None,
                source_model=record["model"],
                evaluator="self_reported",
                source="model_cards",
                source_url=record["source_url"],
                attribution=ATTRIBUTION,
                measured=day(record.get("measured"), source=source, entry=entry, field="measured"),
                checked=day(record["checked"], source=source, entry=entry, field="checked"),
            )
        )
    return rows


def parse(
    data: bytes, *, source: str = "model_cards", checked: date | None = None, url: str | None = None
) -> ParsedSource:
    """Each row says when it was checked and where its figure is: the payload's own date and location are not used."""
    return ParsedSource("model_cards", scores=parse_model_cards(data, source=source))
