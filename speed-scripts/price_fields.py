"""Which dollar prices the price-field grammar leaves untyped, on every litellm map from 1.79 to 1.90 (or --minors).

    .venv/bin/python speed-scripts/price_fields.py [--minors 79-90] [--cache DIR]

Downloads each minor's wheel from PyPI (``litellm==1.X.0``, else the newest 1.X patch), normalizes the map it ships
and lists every field left in ``extra_fields`` that states a dollar price: a name with ``cost`` in it and a numeric
value (Databricks' ``*_dbu_*`` fields are in DBUs, not dollars, and are counted apart). Prints one line per map and
exits 1 if any dollar price stayed untyped. Maps are cached in --cache (default ~/.cache/llm-catalog/litellm-maps).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.litellm.payload import parse_payload
from llm_catalog.sources.bundle import map_from_wheel


def fetch_map(minor: int, cache: Path) -> tuple[bytes, str]:
    """The map of litellm 1.<minor>.0, or of the newest 1.<minor> patch when .0 was never released."""
    found = sorted(cache.glob(f"1.{minor}.*.json"))
    if found:
        return found[0].read_bytes(), found[0].stem
    for version in (f"1.{minor}.0", f">=1.{minor},<1.{minor + 1}"):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                data, exact = map_from_wheel(version, Path(tmp))
            except subprocess.CalledProcessError:
                continue
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"{exact}.json").write_bytes(data)
        return data, exact
    raise SystemExit(f"no litellm 1.{minor} wheel on the package index")


def untyped_prices(data: bytes) -> tuple[Counter, Counter, int]:
    """(dollar price fields left in extra_fields, DBU fields, prices typed) for one map."""
    entries, duplicates = parse_payload(data, source="litellm")
    tables = normalize(entries, duplicates=duplicates).tables
    dollars, dbu = Counter(), Counter()
    for row in tables["extra_fields"].to_pylist():
        value = json.loads(row["value_json"])
        numeric = (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            or (isinstance(value, dict) and value and all(isinstance(v, (int, float)) for v in value.values()))
        )
        if "cost" in row["field"] and numeric:
            (dbu if "dbu" in row["field"].split("_") else dollars)[row["field"]] += 1
    return dollars, dbu, tables["prices"].num_rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minors", default="79-90", help="litellm 1.X minors, e.g. 79-90")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "llm-catalog" / "litellm-maps")
    args = parser.parse_args()
    low, _, high = args.minors.partition("-")
    failed = False
    for minor in range(int(low), int(high or low) + 1):
        data, version = fetch_map(minor, args.cache)
        dollars, dbu, typed = untyped_prices(data)
        failed |= bool(dollars)
        print(
            f"litellm {version:<10} prices typed {typed:>6}   dollar prices left in extra_fields "
            f"{sum(dollars.values()):>3} ({len(dollars)} fields)   DBU fields (not dollars) {sum(dbu.values()):>3}"
        )
        for field, count in sorted(dollars.items()):
            print(f"    {field}  x{count}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
