"""How our similar-models list compares with the reference catalog page's, on the map of the page's own month.

    .venv/bin/python speed-scripts/reference_page.py [--version 1.88.0] \
        [--route openrouter/openai/gpt-oss-20b] [--top 15] [--warehouse data/warehouse]

Downloads the litellm wheel of that version from PyPI (cached under $XDG_CACHE_HOME/llm-catalog, never committed),
normalizes its map, links the benchmark figures of the warehouse's current snapshot (its raw payloads, parsed and
linked as the sync does) to that map's models, runs the similarity stage, and prints: our overall top N for the route
with scores and reasons, which of the reference page's first ten similar models are in it (matched on model name and
provider), and the scores of our first and N-th. The reference page is ../shared/reference/model-page-example.txt.

Then, on the warehouse's current snapshot (the default catalog after `make sync`): over every chat route (not a
duplicate or alias key), the median score gap between rank 1 and rank 25 of the overall lens, and the median scores
at ranks 1, 10 and 25.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from pathlib import Path

import duckdb

from llm_catalog.benchmarks.link import link
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.paths import REPO_ROOT, warehouse_location
from llm_catalog.registry import providing
from llm_catalog.similarity import lists
from llm_catalog.sources.bundle import map_from_wheel
from llm_catalog.sources.fetch import RawPayload
from llm_catalog.warehouse.store import Warehouse

REFERENCE_PAGE = REPO_ROOT.parent / "shared" / "reference" / "model-page-example.txt"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "llm-catalog"


def cached_map(version: str) -> dict:
    target = CACHE / f"litellm-{version}.json"
    if not target.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            data, _ = map_from_wheel(version, Path(tmp))
        target.write_bytes(data)
    return json.loads(target.read_bytes())


def reference_rows(page: str) -> list[tuple[str, str, float]]:
    """(model, provider, overall %) of the page's similar-models rows, in its order."""
    section = page.split("Overall blends cost, modality overlap, capabilities, and context.", 1)[1]
    rows = []
    lines = section.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("In $") and i >= 2:
            score = next(int(m.group(1)) for m in (re.match(r"Overall (\d+)%", x) for x in lines[i:]) if m)
            rows.append((lines[i - 2].strip(), lines[i - 1].strip(), score / 100))
    return rows


def linked_benchmarks(warehouse: Warehouse, routes):
    """The benchmark figures of the warehouse's current snapshot, re-linked to ``routes`` (as
    benchmark_coverage.py does)."""
    rows, pointers = [], {}
    parsers = {source.name: source.parse for source in providing("benchmarks")}
    for payload in warehouse.manifest(warehouse.current_id())["sources"]:
        if payload["source"] in parsers and payload.get("sha256"):
            found = parsers[payload["source"]](RawPayload.from_dict(payload).read_bytes(), source=payload["source"])
            rows += found.scores
            pointers[payload["source"]] = found.pointers
    return link(rows, routes, default_resolver(), pointers)[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", default="1.88.0")
    parser.add_argument("--route", default="openrouter/openai/gpt-oss-20b")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--warehouse")
    args = parser.parse_args()
    warehouse = Warehouse(warehouse_location(args.warehouse))
    tables = normalize(cached_map(args.version)).tables
    tables["benchmarks"] = linked_benchmarks(warehouse, tables["routes"])
    out = lists.compute(tables)
    models, routes = out["similar_models"], tables["routes"]  # noqa: F841 (read by DuckDB by name)
    ours = duckdb.sql(f"""
        SELECT s.rank, s.other_route_id, lower(split_part(r.model, '/', -1)) AS name, r.provider,
               lower(r.provider_name) AS provider_name, s.score, s.reasons
        FROM models s JOIN routes r ON r.route_id = s.other_route_id
        WHERE s.route_id = '{args.route}' AND s.lens = 'overall' ORDER BY s.rank""").fetchall()
    print(f"litellm {args.version}: our overall top {args.top} for {args.route}")
    for rank, other, _, _, _, score, reasons in ours[: args.top]:
        print(f"  {rank:>2}  {score:6.1%}  {other:<55} {', '.join(reasons)}")
    reference = reference_rows(REFERENCE_PAGE.read_text())[:10]
    found = 0
    print(f"\nthe reference page's first ten, and their rank in our overall list (top {args.top} counts):")
    for name, provider, score in reference:
        # our lists hold one row per other model (its provider closest to the route): matched on the model's name,
        # and the provider we list is printed beside it
        rank, listed_provider = next(((r, pn) for r, _, n, _, pn, *_ in ours if n == name.lower()), (None, None))
        found += rank is not None and rank <= args.top
        where = f"{rank} (on {listed_provider})" if rank else "not in top 25"
        print(f"  {name:<32} {provider:<12} page {score:4.0%}   ours: {where}")
    print(
        f"\n{found} of {len(reference)} in our top {args.top}; our #1 scores {ours[0][5]:.1%}, "
        f"#{args.top} scores {ours[args.top - 1][5]:.1%}"
    )
    spread_on_the_catalog(warehouse)


def spread_on_the_catalog(warehouse: Warehouse) -> None:
    snapshot = warehouse.current_id()
    models = duckdb.read_parquet(str(warehouse.table_path("similar_models", snapshot)))  # noqa: F841 (DuckDB reads)
    routes = duckdb.read_parquet(str(warehouse.table_path("routes", snapshot)))  # noqa: F841
    ((routes_n, gap, first, tenth, last),) = duckdb.sql("""
        SELECT count(*), median(first - last), median(first), median(tenth), median(last) FROM (
            SELECT s.route_id, max(score) FILTER (WHERE rank = 1) AS first,
                   max(score) FILTER (WHERE rank = 10) AS tenth,
                   max(score) FILTER (WHERE rank = 25) AS last
            FROM models s JOIN routes r USING (route_id)
            WHERE s.lens = 'overall' AND r.mode IN ('chat', 'completion', 'responses')
              AND r.duplicate_of IS NULL AND r.alias_of IS NULL
            GROUP BY s.route_id HAVING count(*) = 25)""").fetchall()
    print(
        f"\nsnapshot {snapshot}, {routes_n} chat routes: median overall score at rank 1 {first:.1%}, rank 10 "
        f"{tenth:.1%}, "
        f"rank 25 {last:.1%}; median gap rank 1 - rank 25: {gap:.3f}"
    )


if __name__ == "__main__":
    main()
