"""The real copies of models.dev, LLM Stats and the Aider leaderboard in ../shared/sources (read in place, never
committed): they load, parse and link to the bundled map."""

from pathlib import Path

import pytest

from llm_catalog.benchmarks.link import link
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.models import metadata as model_metadata
from llm_catalog.normalized import llm_stats, models_dev
from llm_catalog.normalized.aider import parse_aider
from llm_catalog.normalized.llm_stats import parse_llm_stats
from llm_catalog.normalized.model_cards import parse_model_cards
from llm_catalog.normalized.models_dev import parse_models_dev_tree
from llm_catalog.paths import MODEL_CARDS_CSV, REPO_ROOT
from llm_catalog.registry import providing
from llm_catalog.sources.fetch import read_location, read_tree

SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared" / "sources").resolve()
assert (REPO_ROOT / ".." / "shared" / "sources").resolve() == SHARED


@pytest.fixture(scope="module")
def payloads() -> dict[str, bytes]:
    return {
        "models_dev": read_tree(SHARED / "models.dev", source="models_dev", members=models_dev.MEMBERS),
        "llm_stats": read_tree(SHARED / "llm-stats", source="llm_stats", members=llm_stats.MEMBERS),
        "aider": read_location(SHARED / "aider" / "polyglot_leaderboard.yml", source="aider"),
    }


def test_the_real_copies_parse_whole(payloads):
    tree = parse_models_dev_tree(payloads["models_dev"])
    assert len(tree.models) == 231 and sum(len(v) for v in tree.pointers.values()) == 1320
    assert len(tree.benchmarks) == 288 and len(tree.provider_docs) > 100
    stats = parse_llm_stats(payloads["llm_stats"])
    assert len(stats.models) == 169 and len(stats.benchmarks) == 2224
    assert len(parse_aider(payloads["aider"])) == 69


def test_the_real_copies_link_to_the_bundled_map(payloads, bundled_normalized):
    routes = bundled_normalized.tables["routes"]
    rows = (
        parse_model_cards(MODEL_CARDS_CSV.read_bytes())
        + models_dev.parse(payloads["models_dev"]).scores
        + llm_stats.parse(payloads["llm_stats"]).scores
        + parse_aider(payloads["aider"])
    )
    pointers = parse_models_dev_tree(payloads["models_dev"]).pointers
    benchmarks, unmatched, rates = link(rows, routes, default_resolver(), {"models_dev": pointers})
    assert rates["model_cards"]["match_rate"] == 1.0
    assert rates["models_dev"]["match_rate"] > 0.8 and rates["llm_stats"]["match_rate"] > 0.7
    assert rates["aider"]["match_rate"] > 0.6
    assert benchmarks.num_rows + unmatched.num_rows < len(rows)  # figures several sources report, kept once
    got = benchmarks.to_pylist()
    assert all(r["attribution"] and r["source_url"] for r in got)
    assert all(len(set(r["reported_by"])) == len(r["reported_by"]) and r["source"] in r["reported_by"] for r in got)
    # one unit per benchmark id
    units: dict[str, set] = {}
    for r in got:
        units.setdefault(r["benchmark"], set()).add(r["unit"])
    assert all(len(u) == 1 for u in units.values()), {b: u for b, u in units.items() if len(u) > 1}
    # the reference page's gpt-oss-20b rows are all still there
    cards = {
        (r["benchmark"], r["variant"], r["score"])
        for r in got
        if r["base_model"] == "gpt-oss-20b" and r["source"] == "model_cards"
    }
    assert cards == {
        ("swe_bench_verified", None, 60.7),
        ("codeforces", "with tools", 2516.0),
        ("aime_2025", "no tools", 91.7),
        ("gpqa_diamond", "no tools", 71.5),
        ("mmlu", None, 85.3),
        ("healthbench", None, 42.5),
    }
    chat = [r for r in routes.to_pylist() if r["mode"] == "chat" and not r["duplicate_of"]]
    scored = {r["base_model"] for r in got if r["scope"] == "base_model"} | {r["route_id"] for r in got}
    share = sum(1 for r in chat if r["base_model"] in scored or r["route_id"] in scored) / len(chat)
    assert share > 0.35


def test_models_from_the_real_copies_have_release_dates(payloads, bundled_normalized):
    routes = bundled_normalized.tables["routes"]
    rows, counts = model_metadata.candidates(
        set(routes.column("base_model").to_pylist()),
        default_resolver(),
        {"models_dev": models_dev.parse(payloads["models_dev"]), "llm_stats": llm_stats.parse(payloads["llm_stats"])},
    )
    attributions = {s.name: s.attribution for s in providing("model metadata")}
    models = {r["base_model"]: r for r in model_metadata.build(routes, rows, attributions).to_pylist()}
    assert sum(1 for r in models.values() if r["release_date"]) > 200
    assert counts["models_dev"][0] / counts["models_dev"][1] > 0.85
    assert models["claude-sonnet-4"]["release_date"] == "2025-05-22"
    assert models["llama-3.3-70b"]["weights_url"].startswith("https://huggingface.co/")
