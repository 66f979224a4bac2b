"""Search ranks the same on the command line and on the site: `llm-catalog search` (sql/readers/search/routes.sql)
and the index's search.js under node, on the real bundled snapshot, from the data the index page ships."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from llm_catalog.readers import search, snapshot
from llm_catalog.readers.query import fetch_rows
from llm_catalog.site import index_data
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

SEARCH_JS = Path(__file__).resolve().parents[2] / "llm_catalog" / "site" / "static" / "search.js"
ROUTE_INDEX_SQL = Path(__file__).resolve().parents[2] / "sql" / "site" / "route_index.sql"
QUERIES = [
    # the issue's three
    "GPT OSS 20b",
    "gpt-4o",
    "llama 3.3 70b",
    # model names, spaced, cased, dated
    "claude sonnet 4.5",
    "Claude-3-5-Haiku",
    "gemini 2.5 pro",
    "gemini-2.0-flash",
    "mistral large",
    "deepseek r1",
    "DeepSeek-V3",
    "qwen3 235b",
    "o3-mini",
    "text-embedding-3-small",
    "whisper",
    "dall-e-3",
    "gpt-4o-2024-08-06",
    # provider names and provider-qualified ids
    "openai",
    "Azure",
    "bedrock",
    "Groq",
    "together",
    "openai/gpt-4o",
    "deepinfra/openai/gpt-oss-20b",
    "anthropic.claude-v2",
    # partial ids
    "sonnet",
    "70b",
    "4o-mini",
    "nova",
    "embed",
    # typos
    "gtp-4o",
    "lama 3.3",
    "claud sonet",
    "mistrl",
    "gemni flash",
]
NODE_RANK = """
const search = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const { routes, names } = search.fromIndexData(input.data);
const out = {};
if (input.queries) for (const q of input.queries)
  out[q] = search.rank(routes, names, q, input.limit).map((f) => [f.route.route_id, f.score, f.matched]);
if (input.pairs) out.pairs = input.pairs.map(([a, b]) => search.jaroWinkler(a, b));
if (input.round) out.round = input.round.map(search.round3);
if (input.table) out.table = Object.fromEntries(names);
process.stdout.write(JSON.stringify(out));
"""

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node runs the site's search.js")


@pytest.fixture(scope="module")
def shipped(synced_warehouse):
    """The real snapshot's connection, its route index and the data the index page ships."""
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    index = fetch_rows(con, ROUTE_INDEX_SQL.read_text(), [])
    names = search.spellings(con)
    yield {"con": con, "index": index, "names": names, "data": index_data.index_data(index, names)}
    con.close()


def node(payload: dict) -> dict:
    done = subprocess.run(
        ["node", "-e", NODE_RANK, str(SEARCH_JS)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout)


def cli_search(warehouse, text: str, capsys) -> list[list]:
    capsys.readouterr()
    assert main(["search", text, "--warehouse", str(warehouse), "--format", "json", "--limit", "10"]) == 0
    return [[m["route_id"], m["score"], m["matched"]] for m in json.loads(capsys.readouterr().out)]


def test_the_site_ranks_every_query_as_the_command_line(shipped, synced_warehouse, capsys):
    in_browser = node({"data": shipped["data"], "queries": QUERIES, "limit": 10})
    for text in QUERIES:
        expected = cli_search(synced_warehouse, text, capsys)
        assert len(expected) == 10
        assert in_browser[text] == expected, text


def test_the_issue_queries_find_the_model_asked_for(shipped, synced_warehouse, capsys):
    for text, base in [("GPT OSS 20b", "gpt-oss-20b"), ("gpt-4o", "gpt-4o"), ("llama 3.3 70b", "llama-3.3-70b")]:
        first = cli_search(synced_warehouse, text, capsys)
        bases = {r["route_id"]: r["base_model"] for r in shipped["index"]}
        assert [bases[route_id] for route_id, _, _ in first] == [base] * 10, text


def test_the_browser_rebuilds_the_spelling_table_of_the_command_line(shipped):
    """The same lookup (a spelling the table lacks is its own base model) for every spelling either side has."""
    names, in_browser = shipped["names"], node({"data": shipped["data"], "table": True})["table"]
    assert len(shipped["data"]["spellings"]) < len(names) / 100  # the page ships the differences only
    for key in names.keys() | in_browser.keys():
        assert in_browser.get(key, key) == names.get(key, key), key


def test_jaro_winkler_equals_duckdbs_on_real_strings(shipped):
    index = shipped["index"]
    strings = sorted(
        {s for r in index for s in (r["route_id"].lower(), r["model"].lower(), r["base_model"], r["family"]) if s}
    )
    words = [q.lower() for q in QUERIES] + ["", "a", "é", "gpt-4o", "ß", "日本語モデル"]
    # every query against a spread of real strings, and real strings against their neighbours (close spellings)
    pairs = [[s, q] for q in words for s in strings[:: max(1, len(strings) // 120)]]
    pairs += [[a, b] for a, b in zip(strings, strings[1:], strict=False)][::3]
    assert len(pairs) > 5000
    expected = [
        row[0]
        for row in shipped["con"]
        .execute(
            "SELECT jaro_winkler_similarity(p[1], p[2]) FROM unnest($pairs) WITH ORDINALITY AS t(p, n) ORDER BY n",
            {"pairs": pairs},
        )
        .fetchall()
    ]
    got = node({"data": {"columns": [], "rows": [], "spellings": {}}, "pairs": pairs})["pairs"]
    mismatched = [(a, b, x, y) for (a, b), x, y in zip(pairs, expected, got, strict=True) if x != y]
    assert not mismatched[:20], len(mismatched)


def test_rounding_equals_duckdbs_round_to_three_places(shipped):
    """Halves as doubles (0.9125 is just under) round as DuckDB's round(x, 3) does, which Math.round does not."""
    values = [k / 10000 for k in range(10001)] + [0.85 + 0.1 * k / n for n in range(1, 60) for k in range(1, n + 1)]
    expected = [
        row[0]
        for row in shipped["con"]
        .execute("SELECT round(v, 3) FROM unnest($v::DOUBLE[]) WITH ORDINALITY AS t(v, n) ORDER BY n", {"v": values})
        .fetchall()
    ]
    assert node({"data": {"columns": [], "rows": [], "spellings": {}}, "round": values})["round"] == expected
