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
import sys
from collections import Counter
from pathlib import Path

from release_maps import CACHE, fetch_map

from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.litellm.payload import parse_payload


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
    parser.add_argument("--cache", type=Path, default=CACHE)
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
