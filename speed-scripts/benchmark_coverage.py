"""What a snapshot knows about models: identity, benchmark coverage and metadata. Prints its figures.

    .venv/bin/python speed-scripts/benchmark_coverage.py [--warehouse data/warehouse]

- chat routes (not duplicates) with a family, and with at least one benchmark row for their base model (or their
  own route);
- per benchmark source, the share of its rows whose model was placed (re-linked from the raw payloads the
  snapshot used, the same code path as the sync), and the rows published after merging the same figures;
- `models` rows, and how many have a release date, a knowledge cutoff, a docs link.
"""

from __future__ import annotations

import argparse
import json

import duckdb

from llm_catalog.benchmarks.link import link
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.paths import warehouse_location
from llm_catalog.readers.snapshot import bind
from llm_catalog.registry import providing
from llm_catalog.sources.fetch import RawPayload
from llm_catalog.warehouse.store import Warehouse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse")
    args = parser.parse_args()
    warehouse = Warehouse(warehouse_location(args.warehouse))
    snapshot = warehouse.current_id()
    path = {t: warehouse.table_path(t, snapshot) for t in ("routes", "benchmarks", "models")}
    con = duckdb.connect()
    ((chat, with_family, scored),) = con.sql(f"""
        WITH chat AS (SELECT * FROM '{path["routes"]}' WHERE mode = 'chat' AND duplicate_of IS NULL),
             b AS (SELECT * FROM '{path["benchmarks"]}')
        SELECT count(*), count(family),
               count(*) FILTER (WHERE base_model IN (SELECT base_model FROM b WHERE scope = 'base_model')
                                   OR route_id IN (SELECT route_id FROM b WHERE scope = 'route'))
        FROM chat""").fetchall()
    (models,) = con.sql(f"""SELECT count(*), count(release_date), count(knowledge_cutoff), count(docs_url),
                                count(display_name) FROM '{path["models"]}'""").fetchall()
    published = dict(con.sql(f"SELECT source, count(*) FROM '{path['benchmarks']}' GROUP BY 1").fetchall())
    sources = warehouse.manifest(snapshot)["sources"]
    rows, pointers = [], {}
    parsers = {source.name: source.parse for source in providing("benchmarks")}
    for payload in sources:
        if payload["source"] in parsers and payload.get("sha256"):
            raw = RawPayload.from_dict(payload)
            found = parsers[payload["source"]](raw.read_bytes(), source=payload["source"])
            rows += found.scores
            pointers[payload["source"]] = found.pointers
    routes = bind(warehouse, snapshot).read_tables(("routes",))["routes"]
    _, _, rates = link(rows, routes, default_resolver(), pointers)
    print(
        json.dumps(
            {
                "snapshot": snapshot,
                "sources": {s["source"]: s["status"] for s in sources},
                "chat_routes": chat,
                "chat_routes_with_family": f"{with_family} ({with_family / chat:.1%})",
                "chat_routes_with_a_benchmark_row": f"{scored} ({scored / chat:.1%})",
                "match_rate_per_source": {
                    s: f"{r['matched']}/{r['rows']} ({r['match_rate']:.1%})" for s, r in rates.items()
                },
                "benchmark_rows_published_per_source": published,
                "models": {
                    "rows": models[0],
                    "with_release_date": models[1],
                    "with_knowledge_cutoff": models[2],
                    "with_docs_url": models[3],
                    "with_display_name": models[4],
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
