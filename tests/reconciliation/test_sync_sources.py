"""The default sync reconciles every bundled pricing source into one catalog (issue 19's acceptance), and a live
OpenRouter models API, served on 127.0.0.1, is the authority for OpenRouter's routes."""

import json
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from loopback import FlakyServer

from llm_catalog.readers.snapshot import connect
from llm_catalog.registry import PRICING
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

ROUTE = "openrouter/openai/gpt-oss-20b"
WELL_FORMED = (
    "openai/gpt-oss-20b:free",
    "anthropic/claude-sonnet-4.5",
    "google/gemini-2.5-flash-image",
    "perplexity/sonar",
)
ANSWER = Path(__file__).resolve().parents[1] / "fixtures" / "openrouter" / "models.json"


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def route_prices(con, route: str) -> dict:
    found = rows(
        con,
        "SELECT price_kind, usd, source, rule, sources_stating FROM prices WHERE route_id = ? "
        "AND tier = 'standard' AND condition IS NULL AND unit = 'usd_per_1m_tokens'",
        route,
    )
    return {kind: (usd, source, rule, stating) for kind, usd, source, rule, stating in found}


@pytest.mark.slow  # a real sync
def test_the_default_sync_publishes_routes_of_every_bundled_source_each_price_with_its_source(
    synced_warehouse, bundled_normalized
):
    con, _ = connect(Warehouse(synced_warehouse))
    by_source = dict(rows(con, "SELECT s, count(*) FROM (SELECT unnest(sources) AS s FROM routes) GROUP BY s"))
    assert {"litellm", "models_dev_metadata", "genai_prices"} <= set(by_source)
    # every route of the map keeps its id
    assert by_source["litellm"] == bundled_normalized.tables["routes"].num_rows
    listed = {r for (r,) in rows(con, "SELECT route_id FROM routes WHERE list_contains(sources, 'litellm')")}
    assert listed == set(bundled_normalized.tables["routes"].column("route_id").to_pylist())
    # the reference page's route, from models.dev's openrouter provider (generated from OpenRouter's own API)
    prices = route_prices(con, ROUTE)
    assert prices["input"][:3] == (0.03, "models_dev_metadata", "generated_from_authority")
    assert prices["output"][:3] == (0.13, "models_dev_metadata", "generated_from_authority")
    # every price names its source, among those stating it, and the rule
    assert rows(
        con,
        "SELECT count(*) FROM prices WHERE source IS NULL OR rule IS NULL OR NOT list_contains(sources_stating, "
        "source) OR NOT list_contains(sources_agreeing, source)",
    ) == [(0,)]
    # a disagreement is a price some source states differently; each lists every source's value
    disagreeing = rows(
        con,
        "SELECT count(*) FROM prices p JOIN price_disagreements d USING (route_id, price_kind, tier, unit) "
        "WHERE p.condition IS NOT DISTINCT FROM d.condition",
    )[0][0]
    assert (
        disagreeing == rows(con, "SELECT count(*) FROM prices WHERE len(sources_agreeing) < len(sources_stating)")[0][0]
    )
    assert disagreeing == rows(con, "SELECT count(*) FROM price_disagreements")[0][0] > 100
    pairs = dict(
        rows(
            con,
            "SELECT list_sort(list_distinct([s.source FOR s IN statements]))::VARCHAR AS pair, count(*) "
            "FROM price_disagreements GROUP BY pair",
        )
    )
    assert pairs["[genai_prices, litellm]"] > 10 and pairs["[litellm, models_dev_metadata]"] > 10
    assert rows(con, "SELECT min(len(statements)) FROM price_disagreements") == [(2,)]


@pytest.fixture(scope="module")
def openrouter_api():
    """The hand-made answer's well-formed models (its broken ones are tests/normalized/test_openrouter.py's), served
    as the API serves them."""
    models = json.loads(ANSWER.read_text())["data"]
    sound = [models[0], *(m for m in models if m.get("id") in WELL_FORMED)]  # the route's first entry, not its dup
    assert sound[0]["id"] == "openai/gpt-oss-20b" and len(sound) == 1 + len(WELL_FORMED)
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyServer)
    server.body, server.up = json.dumps({"data": sound}).encode(), True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v1/models"
    server.shutdown()


@pytest.mark.slow  # a real sync
def test_openrouters_own_api_is_the_authority_for_its_routes(tmp_path, openrouter_api):
    root = tmp_path / "wh"
    assert (
        main(["sync", "--warehouse", str(root), "--no-release-history", "--source", f"openrouter={openrouter_api}"])
        == 0
    )
    assert [s.name for s in PRICING][-1] == "openrouter"
    con, _ = connect(Warehouse(root))
    prices = route_prices(con, ROUTE)
    # the API says 0.14 for output where models.dev (generated from an earlier answer) says 0.13: the API wins
    assert prices["output"][:3] == (0.14, "openrouter", "authority")
    assert prices["input"][:3] == (0.03, "openrouter", "authority")
    assert set(prices["output"][3]) >= {"openrouter", "models_dev_metadata"}
    statements = rows(
        con,
        "SELECT unnest(statements, recursive := true) FROM price_disagreements WHERE route_id = ? "
        "AND price_kind = 'output' AND tier = 'standard' AND condition IS NULL",
        ROUTE,
    )
    values = {s[0]: s[2] for s in statements}
    assert values["openrouter"] == 0.14 and values["models_dev_metadata"] == 0.13
    status = rows(con, "SELECT s.status FROM snapshots, unnest(sources) AS u(s) WHERE s.source = 'openrouter'")
    assert status == [("fetched",)]
