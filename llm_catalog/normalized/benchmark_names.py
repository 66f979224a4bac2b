"""One id per benchmark: a source's benchmark name goes through the curated table data/benchmarks/benchmark_ids.csv
("GPQA Diamond" and LLM Stats' "gpqa" are one benchmark; Terminal-Bench 2.0 and 2.1 are two)."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from llm_catalog.paths import BENCHMARK_IDS_CSV


def benchmark_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\u2019", "'").strip().lower())


@lru_cache(maxsize=4)
def benchmark_ids(path: Path = BENCHMARK_IDS_CSV) -> dict[str, tuple[str, str, str]]:
    """The curated table: a source's benchmark name (lowercased) -> (benchmark id, display name, unit)."""
    with path.open(newline="") as handle:
        return {
            benchmark_key(r["name"]): (r["benchmark"], r["benchmark_name"], r["unit"]) for r in csv.DictReader(handle)
        }


def identify(name: str, *, unit: str) -> tuple[str, str, str]:
    """(benchmark id, display name, unit) for a source's benchmark name: the curated table's, else a slug of the
    name with the unit the source's own scale gives."""
    known = benchmark_ids().get(benchmark_key(name))
    if known:
        return known
    return re.sub(r"[^a-z0-9.+]+", "_", benchmark_key(name)).strip("_"), name.strip(), unit
