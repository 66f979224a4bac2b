"""Honest counts on the built site of the bundled snapshot (issue 22's "numbers that mislead"): routes.self_hosted
in a fresh sync, providers counted as providers, no Databricks "-$0.0000" cheaper than claude-sonnet-4-5, Ollama
and Lemonade apart and never cheaper, an embedding's output not priced, a base-model page's count equal to what
`llm-catalog show BASE_MODEL` lists, and a page per provider."""

from __future__ import annotations

import contextlib
import io
import json
import re
from html import unescape

import pytest

from llm_catalog.readers import snapshot
from llm_catalog.site.links import model_path, provider_path, route_path
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}">')
    return html[start : html.index("</section>", start)]


@pytest.fixture(scope="module")
def con(synced_warehouse):
    connection, _ = snapshot.connect(Warehouse(synced_warehouse))
    return connection


def rows(con, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def test_a_fresh_sync_marks_self_hosted_routes(con):
    assert ("self_hosted", "BOOLEAN") in [(c, t) for c, t, *_ in rows(con, "DESCRIBE routes")]
    assert rows(con, "SELECT count(*) FROM routes WHERE self_hosted IS NULL") == [(0,)]
    marked = dict(rows(con, "SELECT provider, bool_and(self_hosted) FROM routes WHERE self_hosted GROUP BY ALL"))
    assert {"ollama", "lemonade"} <= set(marked)
    assert rows(con, "SELECT self_hosted FROM routes WHERE route_id = 'gpt-4o'") == [(False,)]


def test_gpt_4o_counts_providers_not_routes(con, built_site):
    (own,) = rows(con, "SELECT provider FROM routes WHERE route_id = 'gpt-4o'")[0]
    providers, routes = rows(
        con,
        """SELECT count(DISTINCT o.provider) FILTER (WHERE NOT o.self_hosted AND o.provider <> ?), count(*)
           FROM alternatives a JOIN routes o ON o.route_id = a.other_route_id WHERE a.route_id = 'gpt-4o'""",
        [own],
    )[0]
    assert providers < routes  # Azure and others list gpt-4o under several keys: the misleading count's cause
    quick = text_of(section((built_site / route_path("gpt-4o")).read_text(), "quick-read"))
    said = re.search(r"(\d+) providers in all|cheapest of (\d+) providers|of the (\d+) other providers", quick)
    assert said, quick
    if said.group(3):
        assert int(said.group(3)) == providers
    else:
        assert int(said.group(1) or said.group(2)) == providers + 1


def test_claude_sonnet_4_5_has_no_databricks_cheaper_by_a_rounding(con, built_site):
    (difference,) = rows(
        con,
        "SELECT min(price_difference) FROM alternatives WHERE route_id = 'claude-sonnet-4-5' "
        "AND other_provider = 'databricks'",
    )[0]
    assert difference is not None and -0.0001 < difference < 0  # the DBU conversion's $2.99999
    html = (built_site / route_path("claude-sonnet-4-5")).read_text()
    providers = section(html, "providers")
    databricks = [r for r in providers.split("<tr") if "databricks/" in r]
    assert databricks and all("same price" in r for r in databricks)
    assert "-$0.0000" not in html and "Databricks" not in text_of(section(html, "quick-read")).split("cheaper")[0]


def test_ollama_and_lemonade_are_apart_and_never_cheaper(con, built_site):
    pairs = rows(
        con,
        """SELECT a.route_id, a.other_route_id FROM alternatives a JOIN routes o ON o.route_id = a.other_route_id
           JOIN routes r ON r.route_id = a.route_id
           WHERE o.provider IN ('ollama', 'lemonade') AND NOT r.self_hosted AND a.price_difference < 0
           ORDER BY a.route_id LIMIT 5""",
    )
    assert pairs  # routes for which a $0 runtime was listed as cheaper
    for route_id, runtime in pairs:
        providers = section((built_site / route_path(route_id)).read_text(), "providers")
        table, _, apart = providers.partition('id="self-hosted"')
        assert runtime not in table and runtime in apart
        quick = text_of(section((built_site / route_path(route_id)).read_text(), "quick-read"))
        assert "Also runs on your own machine with" in quick


def test_an_embeddings_output_is_not_priced(built_site):
    html = (built_site / route_path("text-embedding-3-small")).read_text()
    stats = text_of(html[html.index('<dl class="stats">') : html.index("</dl>")])
    assert "Output N/A" in stats and "Input $0.0200" in stats
    openai = (built_site / provider_path("openai")).read_text()
    row = text_of(re.search(r'<tr data-route="text-embedding-3-small">(.*?)</tr>', openai).group(1))
    assert "$0.0200" in row and "N/A" in row and "$0.0000" not in row


# base models that are no route id (`show` of a route id shows that route's page)
@pytest.mark.parametrize("base_model", ["llama-3.3-70b", "minimax-m2.1", "claude-2.1"])
def test_a_base_model_page_counts_what_show_lists(synced_warehouse, built_site, con, base_model):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["show", base_model, "--warehouse", str(synced_warehouse), "--format", "json"]) == 0
    shown = [m for m in json.loads(out.getvalue())["matches"] if m["base_model"] == base_model]
    (all_routes,) = rows(con, "SELECT count(*) FROM routes WHERE base_model = ?", [base_model])[0]
    assert len(shown) < all_routes  # duplicate keys: the page once said more routes than show lists
    html = (built_site / model_path(base_model)).read_text()
    count = text_of(re.search(r'<span id="route-count">(.*?)</span>', html).group(1))
    providers = len({m["provider_name"] for m in shown})
    assert count.startswith(f"{len(shown)} routes from ") and re.search(r"from (\d+) provider", count)
    assert int(re.search(r"from (\d+) provider", count).group(1)) <= providers


def test_a_page_per_provider(con, built_site):
    listing = (built_site / "providers" / "index.html").read_text()
    for provider in ("ollama", "openai", "lemonade"):
        (routes,) = rows(con, "SELECT count(*) FROM routes WHERE provider = ?", [provider])[0]
        row = re.search(rf'<tr data-provider="{provider}">(.*?)</tr>', listing).group(1)
        assert f'<td class="num">{routes}</td>' in row
        page = (built_site / provider_path(provider)).read_text()
        assert page.count("<tr data-route=") == routes
    ollama = (built_site / provider_path("ollama")).read_text()
    assert "Self-hosted" in ollama and "self-hosted" in text_of(ollama.split("<tbody>")[1])
    route = (built_site / route_path("gpt-4o")).read_text()
    assert f'href="../{provider_path("openai")}"' in route
