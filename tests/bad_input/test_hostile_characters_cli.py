"""Issue 21 through the command line, one hostile sync: a LiteLLM map with hidden code points in route ids, a provider,
a mode and a modality, ids that leave no model name, a source link a page may not link to; and a models.dev tree whose
model file has a hidden name, a `javascript:` docs link (defect 15: it stopped the whole sync), a scheme-relative
weights link and a backslash benchmark link. The sync publishes, the good routes are there, every bad id or field is
a reject naming source, entry and field, and nothing hidden or unlinkable is published."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llm_catalog.text import hidden_code_points

pytestmark = pytest.mark.slow  # one end-to-end sync through the command line

GOOD = "deepinfra/openai/gpt-oss-20b"
FIXTURE_TREE = Path(__file__).parents[1] / "fixtures" / "models_dev"
CLI = [sys.executable, "-m", "pipelines.cli"]
BAD_IDS = {
    "openai/gpt-4o\u200b": "U+200B ZERO WIDTH SPACE",
    "openai/gpt\u202e4o": "U+202E RIGHT-TO-LEFT OVERRIDE",
    "openai/gpt-\ufeff4o": "U+FEFF ZERO WIDTH NO-BREAK SPACE",
    "openai/gpt-4o\ufdd0": "U+FDD0 noncharacter",
}


def _hostile_map(bundled_map: dict) -> dict:
    keys = [
        k
        for k, v in bundled_map.items()
        if isinstance(v, dict) and "litellm_provider" in v and "mode" in v and k not in ("sample_spec", GOOD)
    ][:399]
    entries = {k: bundled_map[k] for k in [*keys, GOOD]}
    chat = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}
    return {
        **entries,
        **{key: chat for key in BAD_IDS},
        "openai/hidden-provider": {**chat, "litellm_provider": "open\u200bai"},
        "openai/": chat,
        "bedrock/-v1:0": {**chat, "litellm_provider": "bedrock"},
        "openrouter/:free": {**chat, "litellm_provider": "openrouter"},
        "openai/escape-mode": {**chat, "mode": "chat\x1b]2;pwned\x07"},
        "openai/escape-modality": {**chat, "supported_modalities": ["text", "\x1b[2J"]},
        "openai/phish-source": {**chat, "source": "https:/\\evil.example/phish2"},
    }


def _hostile_tree(root: Path) -> Path:
    tree = root / "models_dev"
    shutil.copytree(FIXTURE_TREE, tree)
    model = tree / "models" / "openai" / "gpt-oss-20b.toml"
    text = model.read_text().replace('name = "GPT OSS 20B"', 'name = "GPT OSS\\u202e 20B"')
    text = text.replace("https://huggingface.co/openai/gpt-oss-20b", "//evil.example/phish")
    text = text.replace("https://openai.com/index/introducing-gpt-oss/", "/\\\\evil.example/phish2")
    text += '\n[[links]]\ntype = "docs"\nurl = "javascript:alert(document.cookie)"\n'
    model.write_text(text)
    return tree


def _query(warehouse: Path, sql: str) -> list[dict]:
    done = subprocess.run(
        [*CLI, "query", "--warehouse", str(warehouse), "--format", "json", sql], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def hostile_sync(tmp_path_factory, bundled_map):
    root = tmp_path_factory.mktemp("hostile_characters")
    litellm = root / "hostile.json"
    litellm.write_text(json.dumps(_hostile_map(bundled_map)))
    warehouse = root / "wh"
    env = {**os.environ, "LLM_CATALOG_AIDER": "off", "LLM_CATALOG_MODELS_DEV": str(_hostile_tree(root))}
    done = subprocess.run(
        [*CLI, "sync", "--warehouse", str(warehouse), "--litellm", str(litellm), "--pricing-sources", "litellm"],
        capture_output=True,
        text=True,
        env=env,
    )
    return warehouse, done


def test_the_hostile_sync_publishes_with_the_good_routes(hostile_sync):
    warehouse, done = hostile_sync
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "published snapshot" in done.stdout
    routes = {r["route_id"] for r in _query(warehouse, "SELECT route_id FROM routes")}
    assert GOOD in routes and {"openai/escape-mode", "openai/escape-modality", "openai/phish-source"} <= routes
    assert not routes & {*BAD_IDS, "openai/hidden-provider", "openai/", "bedrock/-v1:0", "openrouter/:free"}


def test_defect_1_hidden_code_points_in_ids_are_entry_rejects_naming_the_code_point(hostile_sync):
    warehouse, _ = hostile_sync
    rejects = _query(warehouse, "SELECT source, route_id, field, rule, message FROM rejects WHERE source = 'litellm'")
    by_route = {(r["route_id"], r["field"]): r for r in rejects}
    for key, code_point in BAD_IDS.items():
        assert by_route[(key, None)]["rule"] == "invalid_route_id" and code_point in by_route[(key, None)]["message"]
    provider = by_route[("openai/hidden-provider", "litellm_provider")]
    assert provider["rule"] == "invalid_provider" and "U+200B ZERO WIDTH SPACE" in provider["message"]


def test_defect_2_an_id_with_no_model_name_is_an_entry_reject(hostile_sync):
    warehouse, _ = hostile_sync
    rows = _query(warehouse, "SELECT route_id, field FROM rejects WHERE rule = 'no_model_name' AND source = 'litellm'")
    assert sorted((r["route_id"], r["field"]) for r in rows) == [
        ("bedrock/-v1:0", "key"),
        ("openai/", "key"),
        ("openrouter/:free", "key"),
    ]


def test_defect_12_escapes_in_a_mode_or_modality_are_per_field_rejects_never_published(hostile_sync):
    warehouse, _ = hostile_sync
    rows = _query(warehouse, "SELECT route_id, field, message FROM rejects WHERE rule = 'hidden_characters'")
    found = {(r["route_id"], r["field"]): r["message"] for r in rows}
    assert "U+001B" in found[("openai/escape-mode", "mode")]
    assert "U+001B" in found[("openai/escape-modality", "supported_modalities")]
    published = _query(warehouse, "SELECT mode FROM routes WHERE route_id LIKE 'openai/escape-%'")
    published += _query(warehouse, "SELECT unnest(input_modalities) AS mode FROM routes")
    assert all(not hidden_code_points(r["mode"] or "") for r in published)


def test_defects_3_and_15_links_a_page_may_not_show_are_left_out_and_the_sync_publishes(hostile_sync):
    warehouse, _ = hostile_sync
    rows = _query(warehouse, "SELECT rule FROM rejects WHERE route_id = 'openai/phish-source' AND field = 'source'")
    assert rows == [{"rule": "url_not_a_web_link"}]
    assert _query(warehouse, "SELECT source_url FROM routes WHERE route_id = 'openai/phish-source'") == [
        {"source_url": None}
    ]
    models = _query(
        warehouse, "SELECT display_name, docs_url, weights_url FROM models WHERE base_model = 'gpt-oss-20b'"
    )
    assert models and all(not hidden_code_points(m["display_name"] or "") for m in models)
    assert all(m["docs_url"] is None or m["docs_url"].startswith("https://") for m in models)
    assert all(m["weights_url"] is None or m["weights_url"].startswith("https://") for m in models)
    urls = _query(warehouse, "SELECT source_url FROM benchmarks WHERE source = 'models_dev'")
    assert all("evil.example" not in r["source_url"] for r in urls)


def test_what_the_model_sources_left_out_is_in_rejects_naming_source_entry_and_field(hostile_sync):
    warehouse, _ = hostile_sync
    rows = _query(warehouse, "SELECT route_id, field, value, rule FROM rejects WHERE source = 'models_dev'")
    found = {(r["route_id"], r["field"]): r for r in rows}
    name = found[("models/openai/gpt-oss-20b.toml", "name")]
    assert name["rule"] == "hidden_characters" and "\\u202e" in name["value"]
    links = {r["value"] for r in rows if r["rule"] == "url_not_a_web_link"}
    assert {'"//evil.example/phish"', '"javascript:alert(document.cookie)"'} <= links
