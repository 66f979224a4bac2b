"""Benchmark sources: parsing each documented shape, linking to the catalog with the routes' resolver, publishing
with provenance, falling back to the last good payload, and refusing broken payloads."""

import json
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from loopback import FlakyServer

from llm_catalog.benchmarks.link import link
from llm_catalog.errors import SourceError
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.normalized.aider import aider_option, parse_aider
from llm_catalog.normalized.artificial_analysis import parse_artificial_analysis
from llm_catalog.normalized.model_cards import parse_model_cards
from llm_catalog.paths import MODEL_CARDS_CSV
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"
AIDER = FIXTURES / "aider_polyglot.yml"
AA = FIXTURES / "artificial_analysis.json"
MODELS_DEV = FIXTURES / "models_dev"
LLM_STATS = FIXTURES / "llm_stats"


def test_aider_command_options():
    assert aider_option("aider --model o3-mini --reasoning-effort high", "--model") == "o3-mini"
    assert aider_option("aider --model=groq/openai/gpt-oss-20b", "--model") == "groq/openai/gpt-oss-20b"
    assert aider_option("aider --model sonnet", "--reasoning-effort") is None


def test_fixture_rows_link_with_the_right_scope_unit_and_effort(bundled_normalized):
    rows = parse_aider(AIDER.read_bytes()) + parse_artificial_analysis(AA.read_bytes())
    benchmarks, unmatched, rates = link(rows, bundled_normalized.tables["routes"], default_resolver())
    got = {(r["source"], r["benchmark"], r["source_model"]): r for r in benchmarks.to_pylist()}
    groq = got[("aider", "aider_polyglot", "groq/openai/gpt-oss-20b")]
    assert (
        groq["scope"],
        groq["route_id"],
        groq["base_model"],
        groq["unit"],
        groq["score"],
        groq["reasoning_effort"],
        groq["evaluator"],
    ) == ("route", "groq/openai/gpt-oss-20b", "gpt-oss-20b", "percent", 41.8, "high", "third_party")
    o3 = got[("aider", "aider_polyglot", "o3-mini")]  # a bare name that is also OpenAI's own route key
    assert (o3["scope"], o3["route_id"], o3["base_model"], o3["reasoning_effort"], str(o3["measured"])) == (
        "route",
        "o3-mini",
        "o3-mini",
        "high",
        "2025-01-31",
    )
    index = got[("artificial_analysis", "aa_artificial_analysis_intelligence_index", "gpt-oss-20b")]
    assert (
        index["unit"],
        index["score"],
        index["scope"],
        index["base_model"],
        index["family"],
        index["reasoning_effort"],
        index["source_model_id"],
    ) == ("index", 24.5, "base_model", "gpt-oss-20b", "gpt-oss", "high", "0b4d9b8e-gpt-oss-20b-high")
    assert "Artificial Analysis" in index["attribution"]
    gpqa = got[("artificial_analysis", "aa_gpqa", "gpt-oss-20b")]
    assert (gpqa["unit"], gpqa["score"], gpqa["benchmark_name"]) == ("fraction", 0.688, "GPQA Diamond")
    carried = got[("artificial_analysis", "aa_brand_new_eval", "gpt-oss-20b")]  # an unknown key is carried
    assert (carried["unit"], carried["score"], carried["benchmark_name"]) == ("fraction", 0.5, "Brand New Eval")
    assert ("artificial_analysis", "aa_artificial_analysis_math_index", "gpt-oss-20b") not in got  # null score
    assert {(u["source"], u["source_model"]) for u in unmatched.to_pylist()} == {
        ("aider", "sonnet"),
        ("artificial_analysis", "some-lab-model-x"),
    }
    assert rates == {
        "aider": {"matched": 2, "rows": 3, "match_rate": 0.6667},
        "artificial_analysis": {"matched": 9, "rows": 10, "match_rate": 0.9},
    }


def test_bundled_model_cards_all_match(bundled_normalized):
    benchmarks, unmatched, rates = link(
        parse_model_cards(MODEL_CARDS_CSV.read_bytes()), bundled_normalized.tables["routes"], default_resolver()
    )
    assert rates == {"model_cards": {"matched": 12, "rows": 12, "match_rate": 1.0}}
    assert unmatched.num_rows == 0
    assert {(r["base_model"], r["family"], r["scope"], r["evaluator"]) for r in benchmarks.to_pylist()} == {
        ("gpt-oss-20b", "gpt-oss", "base_model", "self_reported"),
        ("gpt-oss-120b", "gpt-oss", "base_model", "self_reported"),
    }


@pytest.mark.parametrize(
    "parser, payload, message",
    [
        (parse_aider, b"not: [a list", "not valid YAML"),
        (parse_aider, b"model: x\n", "expected a non-empty YAML list"),
        (parse_aider, b"- model: x\n  pass_rate_2: lots\n", "entry 'x', field 'pass_rate_2': expected a finite number"),
        (parse_artificial_analysis, b"<html>502</html>", "not valid JSON"),
        (parse_artificial_analysis, b'{"status": 200}', "expected an object with a 'data' list"),
        (
            parse_artificial_analysis,
            b'{"data": [{"id": "m1", "evaluations": {"gpqa": "high"}}]}',
            "entry 'm1', field 'evaluations.gpqa': expected a finite number",
        ),
        (parse_model_cards, b"model,benchmark\nx,y\n", "missing columns"),
    ],
)
def test_broken_payloads_raise_a_clear_source_error(parser, payload, message):
    with pytest.raises(SourceError) as raised:
        parser(payload, source="aider (https://example.test/x)")
    assert message in str(raised.value) and "source aider (https://example.test/x)" in str(raised.value)


# the small map is the whole catalog, so each benchmark's matches are the small map's (the bundled pricing
# sources' 7,000 other routes would match more of them)
SMALL_MAP_ALONE = ("--pricing-sources", "litellm")


@pytest.fixture(scope="module")
def synced_with_sources(tmp_path_factory, small_map):
    root = tmp_path_factory.mktemp("benchmarks")
    good = root / "map.json"
    good.write_text(json.dumps(small_map))
    args = [
        "sync",
        "--warehouse",
        str(root / "wh"),
        "--litellm",
        str(good),
        *SMALL_MAP_ALONE,
        "--benchmarks",
        f"aider={AIDER}",
        "--benchmarks",
        f"artificial_analysis={AA}",
        "--benchmarks",
        f"models_dev={MODELS_DEV}",
        "--benchmarks",
        f"llm_stats={LLM_STATS}",
    ]
    assert main(args) == 0
    return root / "wh"


@pytest.mark.slow  # a real sync
def test_sync_publishes_benchmarks_from_every_source_with_provenance(synced_with_sources, capsys):
    capsys.readouterr()
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(synced_with_sources),
                "--format",
                "json",
                "select source, count(*) n, count(distinct scope) scopes from benchmarks group by 1 order by 1",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == [
        # the small map has gpt-oss-20b on deepinfra only: the groq run links to its base model, and the o3-mini
        # run and the gpt-oss-120b model cards find no route; models.dev's and LLM Stats' GPQA Diamond 71.5 is the
        # model card's figure, published once (by model_cards, the first source), with all three in reported_by
        {"source": "aider", "n": 1, "scopes": 1},
        {"source": "artificial_analysis", "n": 9, "scopes": 1},
        {"source": "llm_stats", "n": 3, "scopes": 1},
        {"source": "lmarena", "n": 58, "scopes": 1},  # the bundled Arena ratings of the small map's models
        {"source": "model_cards", "n": 6, "scopes": 1},
        {"source": "models_dev", "n": 1, "scopes": 1},
    ]
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(synced_with_sources),
                "--format",
                "json",
                "select reported_by from benchmarks where benchmark = 'gpqa_diamond' and source = 'model_cards'",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == [{"reported_by": ["llm_stats", "model_cards", "models_dev"]}]
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(synced_with_sources),
                "--format",
                "json",
                "select source, status from (select unnest(sources, recursive := true) from snapshots)",
            ]
        )
        == 0
    )
    assert {r["source"]: r["status"] for r in json.loads(capsys.readouterr().out)} == {
        "litellm": "fetched",
        "model_cards": "fetched",
        "aider": "fetched",
        "artificial_analysis": "fetched",
        "models_dev_metadata": "fetched",
        "models_dev_api": "fetched",
        "models_dev": "fetched",
        "llm_stats": "fetched",
        "genai_prices": "skipped",  # left out by --pricing-sources: not read at all
        "openrouter": "skipped",
        "lmarena": "fetched",
    }
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(synced_with_sources),
                "--format",
                "json",
                "select release_date, parameter_count, provenance['release_date'] AS said_by from models "
                "where base_model = 'gpt-oss-20b'",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == [
        {"release_date": "2025-08-05", "parameter_count": 20900000000, "said_by": "models_dev"}
    ]


def test_bundled_defaults_give_every_gpt_oss_20b_route_the_model_card_rows(synced_warehouse):
    warehouse = Warehouse(synced_warehouse)
    current = warehouse.current_id()
    routes, benchmarks = (warehouse.table_path(t, current) for t in ("routes", "benchmarks"))
    per_route = duckdb.sql(f"""
        SELECT r.route_id,
               list(b.benchmark_name || ' ' || coalesce(b.variant, '') || '=' || b.score ORDER BY b.benchmark)
        FROM '{routes}' r JOIN '{benchmarks}' b ON b.base_model = r.base_model AND b.scope = 'base_model'
        WHERE r.base_model = 'gpt-oss-20b' AND b.source = 'model_cards' GROUP BY r.route_id""").fetchall()
    all_routes = duckdb.sql(f"SELECT count(*) FROM '{routes}' WHERE base_model = 'gpt-oss-20b'").fetchall()[0][0]
    assert len(per_route) == all_routes >= 20
    expected = [
        "AIME 2025 no tools=91.7",
        "Codeforces with tools=2516.0",
        "GPQA Diamond no tools=71.5",
        "HealthBench =42.5",
        "MMLU =85.3",
        "SWE-bench Verified =60.7",
    ]
    assert all(rows == expected for _, rows in per_route)
    family = duckdb.sql(f"""SELECT source, count(DISTINCT base_model) FROM '{benchmarks}' WHERE family = 'gpt-oss'
                             GROUP BY ALL ORDER BY source""").fetchall()
    assert family == [("lmarena", 2), ("model_cards", 2)]  # the page's family view: 20b and 120b rows from both
    cards = duckdb.sql(f"SELECT count(*) FROM '{benchmarks}' WHERE family = 'gpt-oss' AND source = 'model_cards'")
    assert cards.fetchall()[0][0] == 12
    # the bundled Arena ratings are offline too: gpt-oss-20b's text rating, of the day of the copy
    arena = duckdb.sql(f"""SELECT unit, measured FROM '{benchmarks}' WHERE base_model = 'gpt-oss-20b'
                            AND benchmark = 'lmarena_text' AND variant = 'overall'""").fetchall()
    assert [(unit, str(day)) for unit, day in arena] == [("elo", "2026-10-05")]


@pytest.mark.slow  # a real sync
def test_artificial_analysis_without_a_key_is_skipped_not_failed(tmp_path, small_map, monkeypatch, capsys):
    monkeypatch.delenv("ARTIFICIAL_ANALYSIS_API_KEY", raising=False)
    good = tmp_path / "map.json"
    good.write_text(json.dumps(small_map))
    assert main(["sync", "--warehouse", str(tmp_path / "wh"), "--litellm", str(good)]) == 0
    warehouse = Warehouse(tmp_path / "wh")
    sources = {s["source"]: s for s in warehouse.manifest(warehouse.current_id())["sources"]}
    assert sources["artificial_analysis"]["status"] == "skipped"
    assert "no ARTIFICIAL_ANALYSIS_API_KEY in the environment" in sources["artificial_analysis"]["note"]


@pytest.mark.slow  # a real sync
def test_an_unreachable_source_keeps_its_last_good_payload(tmp_path, small_map, capsys):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyServer)
    server.body, server.up = AIDER.read_bytes(), True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/polyglot_leaderboard.yml"
    good = tmp_path / "map.json"
    good.write_text(json.dumps(small_map))
    args = ["sync", "--warehouse", str(tmp_path / "wh"), "--litellm", str(good), *SMALL_MAP_ALONE]
    args += ["--benchmarks", f"aider={url}"]
    try:
        assert main(args) == 0
        server.up = False
        changed = dict(small_map)
        changed["deepinfra/openai/gpt-oss-20b"] = {
            **small_map["deepinfra/openai/gpt-oss-20b"],
            "input_cost_per_token": 2.5e-08,
        }
        good.write_text(json.dumps(changed))  # a new snapshot, while aider is down
        assert main(args) == 0
    finally:
        server.shutdown()
        server.server_close()
    warehouse = Warehouse(tmp_path / "wh")
    first, second = (warehouse.manifest(i) for i in warehouse.snapshot_ids())
    aider_first = next(s for s in first["sources"] if s["source"] == "aider")
    aider_second = next(s for s in second["sources"] if s["source"] == "aider")
    assert aider_first["status"] == "fetched"
    assert aider_second["status"] == "fallback" and aider_second["sha256"] == aider_first["sha256"]
    assert "HTTP 503" in aider_second["note"] or "kept failing" in aider_second["note"]
    rows = duckdb.sql(
        f"SELECT count(*) FROM '{warehouse.table_path('benchmarks', warehouse.current_id())}' WHERE source = 'aider'"
    ).fetchall()[0][0]
    assert rows == 1


@pytest.mark.slow  # a real sync
def test_a_broken_benchmark_payload_fails_the_sync_and_names_the_source(tmp_path, small_map, capsys):
    bad = tmp_path / "leaderboard.yml"
    bad.write_text("- model: x\n  pass_rate_2: lots\n")
    good = tmp_path / "map.json"
    good.write_text(json.dumps(small_map))
    capsys.readouterr()
    assert (
        main(["sync", "--warehouse", str(tmp_path / "wh"), "--litellm", str(good), "--benchmarks", f"aider={bad}"]) == 1
    )
    err = capsys.readouterr().err
    assert f"source aider ({bad}), entry 'x', field 'pass_rate_2': expected a finite number" in err
    assert Warehouse(tmp_path / "wh").current_id() is None


@pytest.mark.slow  # a real sync
def test_a_broken_models_dev_tree_fails_the_sync_naming_source_file_and_field(tmp_path, small_map, capsys):
    tree = tmp_path / "models.dev"
    for path in MODELS_DEV.rglob("*.toml"):
        (tree / path.relative_to(MODELS_DEV)).parent.mkdir(parents=True, exist_ok=True)
        (tree / path.relative_to(MODELS_DEV)).write_bytes(path.read_bytes())
    (tree / "models/openai/gpt-oss-20b.toml").write_text('name = "x"\nopen_weights = "yes"\n')
    good = tmp_path / "map.json"
    good.write_text(json.dumps(small_map))
    capsys.readouterr()
    assert (
        main(
            ["sync", "--warehouse", str(tmp_path / "wh"), "--litellm", str(good), "--benchmarks", f"models_dev={tree}"]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert (
        f"source models_dev ({tree}), entry 'models/openai/gpt-oss-20b.toml', field 'open_weights': "
        "expected bool, got 'yes'"
    ) in err
    assert Warehouse(tmp_path / "wh").current_id() is None


def test_a_bad_benchmarks_option_is_refused(capsys):
    assert main(["sync", "--benchmarks", "leaderboard=x.yml"]) == 1
    assert "--source takes NAME=PATH_OR_URL" in capsys.readouterr().err
