"""Issue 21, defects 1, 2 (no model name), 3 and 15 (links), 12 (modes and modalities), in every route source's
normalizer and the metadata sources: a hidden code point in an id is an entry reject naming it, in a name, a mode or
a modality a per-field reject; an id that leaves no model name is an entry reject; a source's link that a page may not
link to is left out and recorded. (Through the command line: test_hostile_characters_cli.py.)"""

import sqlite3
from datetime import date

import pytest

from llm_catalog.normalized import models_dev_api, models_dev_metadata
from llm_catalog.normalized.genai_prices import normalize as normalize_genai_prices
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.models_dev_routes import normalize_models_dev
from llm_catalog.normalized.openrouter import normalize_openrouter
from llm_catalog.paths import BUNDLED_MODELSDEV_DB
from llm_catalog.sources.fetch import read_location
from llm_catalog.text import hidden_code_points

RLO, ZWSP, BOM, NONCHAR = "\u202e", "\u200b", "\ufeff", "\ufdd0"
ESCAPE = "\x1b]2;pwned\x07"
CHAT = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-6}
HIDDEN_IDS = {
    f"openai/gpt-4o{ZWSP}": "U+200B ZERO WIDTH SPACE",
    f"openai/gpt{RLO}4o": "U+202E RIGHT-TO-LEFT OVERRIDE",
    f"openai/gpt-{BOM}4o": "U+FEFF ZERO WIDTH NO-BREAK SPACE",
    f"openai/gpt-4o{NONCHAR}": "U+FDD0 noncharacter",
    "openai/gpt-4o\ue000": "U+E000 Co code point",
}
NO_MODEL_NAME_IDS = ("openai/", "bedrock/-v1:0", "openrouter/:free")


def published_text(tables) -> list[str]:
    """Every string of every published (non-reject) table."""
    found = []
    for name, table in tables.items():
        if name == "rejects":
            continue
        for column in table.to_pydict().values():
            for value in column:
                found += value if isinstance(value, list) else [value]
    return [v for v in found if isinstance(v, str)]


def _rejects(normalized) -> dict[tuple, dict]:
    """(route, field) -> its first reject (a rejected mode is then also a missing_mode warning)."""
    found: dict[tuple, dict] = {}
    for r in normalized.tables["rejects"].to_pylist():
        found.setdefault((r["route_id"], r["field"]), r)
    return found


def test_litellm_hidden_code_points_in_ids_modes_modalities_and_empty_model_names_are_rejects():
    entries = {
        "openai/gpt-4o": CHAT,
        **{key: CHAT for key in HIDDEN_IDS},
        "openai/provider-hidden": {**CHAT, "litellm_provider": f"open{ZWSP}ai"},
        **{key: {**CHAT, "litellm_provider": key.split("/")[0]} for key in NO_MODEL_NAME_IDS},
        "openai/escaped-mode": {**CHAT, "mode": f"chat{ESCAPE}"},
        "openai/cleared-mode": {**CHAT, "mode": "\x1b[2J"},
        "openai/modality": {**CHAT, "supported_modalities": ["text", f"im{RLO}age"]},
        "openai/phish": {**CHAT, "source": "https:/\\evil.example/phish"},
    }
    normalized = normalize(entries)
    rejects = _rejects(normalized)
    for key, code_point in HIDDEN_IDS.items():
        reject = rejects[(key, None)]
        assert reject["rule"] == "invalid_route_id" and code_point in reject["message"], reject
    provider = rejects[("openai/provider-hidden", "litellm_provider")]
    assert provider["rule"] == "invalid_provider" and "U+200B ZERO WIDTH SPACE" in provider["message"]
    for key in NO_MODEL_NAME_IDS:
        assert rejects[(key, "key")]["rule"] == "no_model_name", key
    assert "U+001B" in rejects[("openai/escaped-mode", "mode")]["message"]
    assert rejects[("openai/cleared-mode", "mode")]["rule"] == "hidden_characters"
    modality = rejects[("openai/modality", "supported_modalities")]
    assert modality["rule"] == "hidden_characters" and "U+202E" in modality["message"]
    assert rejects[("openai/phish", "source")]["rule"] == "url_not_a_web_link"
    routes = {r["route_id"]: r for r in normalized.tables["routes"].to_pylist()}
    assert set(routes) == {
        "openai/gpt-4o",
        "openai/escaped-mode",
        "openai/cleared-mode",
        "openai/modality",
        "openai/phish",
    }
    assert routes["openai/escaped-mode"]["mode"] is None and routes["openai/phish"]["source_url"] is None
    assert all(not hidden_code_points(text) for text in published_text(normalized.tables))
    assert normalized.stats["entries_left_out"] >= len(HIDDEN_IDS) + 1 + len(NO_MODEL_NAME_IDS)


def test_litellm_sources_of_real_maps_that_mean_a_link_are_published_as_one_with_a_warning():
    """Real maps (1.86 to 1.98, 1.106) hold a URL with a note after it and a URL with spaces in its query: the link
    they mean is published (a warning says how), where a `//host` or backslash trick is still left out."""
    entries = {
        "vertex_ai/xai/grok-4.20-reasoning": {
            **CHAT,
            "source": "https://docs.x.ai/docs/models (Vertex AI Model Garden)",
        },
        "azure_ai/Microsoft-Decision-1": {
            **CHAT,
            "source": "https://prices.azure.com/api/retail/prices?$filter=productName eq 'Microsoft Decision Models'",
        },
        "openai/phish": {**CHAT, "source": "https://evil.example\\@good.example/ (docs)"},
    }
    normalized = normalize(entries)
    rejects = _rejects(normalized)
    urls = {r["route_id"]: r["source_url"] for r in normalized.tables["routes"].to_pylist()}
    assert urls["vertex_ai/xai/grok-4.20-reasoning"] == "https://docs.x.ai/docs/models"
    assert urls["azure_ai/Microsoft-Decision-1"] == (
        "https://prices.azure.com/api/retail/prices?$filter=productName%20eq%20'Microsoft%20Decision%20Models'"
    )
    for key in ("vertex_ai/xai/grok-4.20-reasoning", "azure_ai/Microsoft-Decision-1"):
        repaired = rejects[(key, "source")]
        assert (repaired["rule"], repaired["severity"]) == ("url_repaired", "warning") and urls[key] in repaired[
            "message"
        ]
    assert urls["openai/phish"] is None and rejects[("openai/phish", "source")]["rule"] == "url_not_a_web_link"


def test_openrouter_hidden_ids_names_modalities_and_empty_model_names_are_rejects():
    models = [
        {"id": "openai/gpt-4o", "name": "GPT-4o", "pricing": {"prompt": "0.000001"}},
        {"id": f"openai/gpt-4o{ZWSP}", "pricing": {"prompt": "0.000001"}},
        {"id": "openai/gpt-4o-mini", "name": f"GPT{RLO}4o mini", "pricing": {"prompt": "0.000001"}},
        {"id": ":free", "pricing": {"prompt": "0"}},
        {"id": "x/modal", "architecture": {"input_modalities": [f"text{ESCAPE}"]}, "pricing": {"prompt": "0"}},
    ]
    normalized = normalize_openrouter(models)
    rejects = _rejects(normalized)
    assert "U+200B ZERO WIDTH SPACE" in rejects[("openrouter/data[1]", "id")]["message"]
    assert rejects[("openrouter/openai/gpt-4o-mini", "name")]["rule"] == "hidden_characters"
    assert rejects[("openrouter/:free", "id")]["rule"] == "no_model_name"
    assert rejects[("openrouter/x/modal", "architecture.input_modalities")]["rule"] == "hidden_characters"
    routes = set(normalized.tables["routes"]["route_id"].to_pylist())
    assert routes == {"openrouter/openai/gpt-4o", "openrouter/openai/gpt-4o-mini", "openrouter/x/modal"}
    assert all(not hidden_code_points(text) for text in published_text(normalized.tables))


def test_genai_prices_hidden_ids_provider_names_links_and_empty_model_names_are_rejects():
    prices = {"input_mtok": 1, "output_mtok": 2}
    providers = [
        {
            "id": "openai",
            "name": f"Open{RLO}AI",
            "pricing_urls": ["javascript:alert(1)"],
            "models": [
                {"id": "gpt-4o", "prices": prices},
                {"id": f"gpt-4o{BOM}", "prices": prices},
                {"id": "-v1:0", "prices": prices},
                {"id": "gpt-4o-mini", "name": f"mini{ZWSP}", "prices": prices},
            ],
        },
        {"id": f"evil{ZWSP}", "models": [{"id": "m", "prices": prices}]},
    ]
    normalized = normalize_genai_prices(providers, as_of=date(2026, 1, 1), provider_map={})
    rejects = _rejects(normalized)
    assert "U+FEFF" in rejects[("openai/models[1]", "id")]["message"]
    assert rejects[("openai/-v1:0", "id")]["rule"] == "no_model_name"
    assert rejects[("openai/gpt-4o-mini", "name")]["rule"] == "hidden_characters"
    assert rejects[("openai/gpt-4o", "provider.name")]["rule"] == "hidden_characters"
    assert rejects[("openai/gpt-4o", "provider.pricing_urls[0]")]["rule"] == "url_not_a_web_link"
    assert "U+200B" in rejects[(f"evil{ZWSP}/models[0]", "provider.id")]["message"]
    routes = {r["route_id"]: r for r in normalized.tables["routes"].to_pylist()}
    assert set(routes) == {"openai/gpt-4o", "openai/gpt-4o-mini"}
    assert routes["openai/gpt-4o"]["source_url"] is None and routes["openai/gpt-4o"]["provider_name"] == "OpenAI"
    assert all(not hidden_code_points(text) for text in published_text(normalized.tables))


@pytest.fixture(scope="module")
def models_dev_db() -> bytes:
    """A copy of the bundled models.dev SQLite holding one provider with hostile rows."""
    con = sqlite3.connect(":memory:")
    con.deserialize(read_location(BUNDLED_MODELSDEV_DB, source="models_dev_routes"))
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("PRAGMA ignore_check_constraints = ON")
    for table in ("pricing", "model_modalities", "experimental_modes", "models", "providers"):
        con.execute(f"DELETE FROM {table}")
    con.execute("INSERT INTO providers VALUES (?, ?, ?, ?, ?, ?)", ("acme", f"Ac{RLO}me", "x", None, "//evil", "[]"))
    for full_id, model_id, name in (
        ("acme/good", "good-1", "Good One"),
        ("acme/zwsp", f"good-1{ZWSP}", "Good One"),
        ("acme/empty", "-v1:0", "Empty"),
        ("acme/named", "named-1", f"Named{RLO}1"),
    ):
        con.execute(
            "INSERT INTO models (full_id, provider_id, id, name, attachment, reasoning, tool_call, open_weights, "
            "limit_context, limit_output) VALUES (?, 'acme', ?, ?, 0, 0, 1, 0, 1000, 100)",
            (full_id, model_id, name),
        )
    con.execute(
        "INSERT INTO model_modalities (model_full_id, direction, value, position) VALUES (?, ?, ?, ?)",
        ("acme/named", "input", f"text{ESCAPE}", 0),
    )
    con.commit()
    data = con.serialize()
    con.close()
    return data


def test_models_dev_routes_hidden_ids_names_modalities_links_and_empty_model_names_are_rejects(models_dev_db):
    normalized = normalize_models_dev(models_dev_db, provider_map={})
    rejects = _rejects(normalized)
    assert "U+200B ZERO WIDTH SPACE" in rejects[("acme/zwsp", "id")]["message"]
    assert rejects[("acme/-v1:0", "id")]["rule"] == "no_model_name"
    assert rejects[("acme/good-1", "provider.name")]["rule"] == "hidden_characters"
    assert rejects[("acme/good-1", "provider.doc")]["rule"] == "url_not_a_web_link"
    assert rejects[("acme/named-1", "modalities.input")]["rule"] == "hidden_characters"
    routes = {r["route_id"]: r for r in normalized.tables["routes"].to_pylist()}
    assert set(routes) == {"acme/good-1", "acme/named-1"}
    assert routes["acme/good-1"]["source_url"] is None and routes["acme/good-1"]["provider_name"] == "Acme"
    assert all(not hidden_code_points(text) for text in published_text(normalized.tables))
    # the metadata parser of the same rows: the hidden name and the docs link are left out and recorded
    parsed = models_dev_metadata.parse(models_dev_db)
    names = {f.source_model: f.display_name for f in parsed.models}
    assert names["named-1"] is None and names["good-1"] == "Good One"
    assert {(item["entry"], item["field"]) for item in parsed.left_out} >= {
        ("models[acme/named]", "name"),
        ("providers[acme]", "doc"),
    }
    assert parsed.provider_docs == {}


def test_models_dev_api_names_are_stripped_and_hidden_ones_left_out():
    data = b'{"p": {"models": {"a": {"name": "Turbo\\t"}, "b": {"name": "B\\u202eC"}, "c": {"name": "Fam\\u200dily"}}}}'
    parsed = models_dev_api.parse(data)
    names = {f.source_model: f.display_name for f in parsed.models}
    assert names == {"a": "Turbo", "b": None, "c": None}  # a trailing tab (real data) is whitespace, not refused
    assert [(i["entry"], i["field"]) for i in parsed.left_out] == [("p/b", "name"), ("p/c", "name")]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in parsed.left_out[0]["message"]
