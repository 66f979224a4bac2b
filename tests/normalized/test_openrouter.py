"""OpenRouter's models API normalized into the catalog's tables: a hand-made answer of a dozen models served on a
loopback server and read through the fetch helpers, Hypothesis on the per-model parser, and the offline stand-in
(models.dev's openrouter provider) on the bundled data."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loopback import FlakyServer

from llm_catalog import schemas
from llm_catalog.errors import BrokenPayloadError
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.normalized.litellm.rows import TableRows
from llm_catalog.normalized.litellm.vocabulary import ROUTE_ID
from llm_catalog.normalized.openrouter import (
    OpenRouterModels,
    fetch_models,
    normalize_openrouter,
    offline_routes,
    parse_models,
)

_RESOLVER = default_resolver()
ANSWER = Path(__file__).resolve().parents[1] / "fixtures" / "openrouter" / "models.json"


@pytest.fixture(scope="module")
def served():
    """The hand-made answer as the API serves it, read back through fetch_models and normalized."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyServer)
    server.body, server.up = ANSWER.read_bytes(), True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        data = fetch_models(f"http://127.0.0.1:{server.server_address[1]}/api/v1/models", deadline=30)
    finally:
        server.shutdown()
        server.server_close()
    return data, normalize_openrouter(data)


def _prices(normalized, route_id):
    return {
        (r["price_kind"], r["unit"]): r["usd"]
        for r in normalized.tables["prices"].to_pylist()
        if r["route_id"] == route_id
    }


def _rejects(normalized, route_id):
    return {
        (r["field"], r["rule"], r["severity"])
        for r in normalized.tables["rejects"].to_pylist()
        if r["route_id"] == route_id
    }


def _capabilities(normalized, route_id):
    return {
        r["capability"]: r["supported"]
        for r in normalized.tables["capabilities"].to_pylist()
        if r["route_id"] == route_id
    }


def test_the_served_answer_arrives_whole_and_every_table_casts(served):
    data, normalized = served
    assert data == ANSWER.read_bytes()
    for name, table in normalized.tables.items():
        assert table.cast(schemas.NORMALIZED[name]).num_rows == table.num_rows
    route_ids = normalized.tables["routes"]["route_id"].to_pylist()
    assert len(route_ids) == len(set(route_ids)) == 11  # 13 models: one without an id, one id listed twice
    assert all(r.startswith("openrouter/") for r in route_ids)
    assert normalized.stats["entries_total"] == 13 and normalized.stats["entries_left_out"] == 2


def test_per_token_strings_become_prices_per_million_tokens(served):
    _, normalized = served
    assert _prices(normalized, "openrouter/openai/gpt-oss-20b") == {
        ("input", "usd_per_1m_tokens"): 0.03,
        ("output", "usd_per_1m_tokens"): 0.14,
    }
    claude = _prices(normalized, "openrouter/anthropic/claude-sonnet-4.5")
    assert claude == {
        ("input", "usd_per_1m_tokens"): 3.0,
        ("output", "usd_per_1m_tokens"): 15.0,
        ("cache_read", "usd_per_1m_tokens"): 0.3,
        ("cache_write", "usd_per_1m_tokens"): 3.75,
        ("web_search", "usd_per_query"): 0.01,
        ("input_image", "usd_per_image"): 0.0048,
        ("input", "usd_per_request"): 0.0,
    }
    assert _prices(normalized, "openrouter/perplexity/sonar")[("input", "usd_per_request")] == 0.005
    sources = {r["source_field"] for r in normalized.tables["prices"].to_pylist()}
    assert {"pricing.prompt", "pricing.completion", "pricing.input_cache_read", "pricing.web_search"} <= sources


def test_a_free_model_has_real_zero_prices_and_a_varying_price_has_none(served):
    _, normalized = served
    assert _prices(normalized, "openrouter/openai/gpt-oss-20b:free") == {
        ("input", "usd_per_1m_tokens"): 0.0,
        ("output", "usd_per_1m_tokens"): 0.0,
    }
    assert _prices(normalized, "openrouter/openrouter/auto") == {}
    assert _rejects(normalized, "openrouter/openrouter/auto") == {
        ("pricing.prompt", "price_varies", "warning"),
        ("pricing.completion", "price_varies", "warning"),
    }
    assert "openrouter/openrouter/auto" in normalized.tables["routes"]["route_id"].to_pylist()


def test_bad_fields_are_per_field_rejects_naming_the_model_and_field(served):
    _, normalized = served
    assert _rejects(normalized, "openrouter/vendor/string-price") == {("pricing.prompt", "price_not_a_number", "error")}
    assert _prices(normalized, "openrouter/vendor/string-price") == {("output", "usd_per_1m_tokens"): 1.0}
    assert _rejects(normalized, "openrouter/vendor/negative-price") == {("pricing.prompt", "price_negative", "error")}
    assert _rejects(normalized, "openrouter/vendor/bool-price") == {
        ("pricing.prompt", "price_not_a_number", "error"),
        ("context_length", "limit_not_a_number", "error"),
    }
    assert _rejects(normalized, "openrouter/vendor/new-fields") == {
        ("top_provider.max_completion_tokens", "limit_negative", "error")
    }
    assert _rejects(normalized, "openrouter/data[10]") == {("id", "missing_id", "error")}
    duplicate = _rejects(normalized, "openrouter/openai/gpt-oss-20b")
    assert duplicate == {("id", "route_duplicate", "error")}  # the first listing is the one published (0.03 above)


def test_limits_modalities_and_dates(served):
    _, normalized = served
    limits = {r["route_id"]: r for r in normalized.tables["limits"].to_pylist()}
    assert limits["openrouter/openai/gpt-oss-20b"]["context_window"] == 131072
    assert limits["openrouter/openai/gpt-oss-20b"]["max_output_tokens"] == 131072
    assert limits["openrouter/anthropic/claude-sonnet-4.5"]["max_output_tokens"] == 64000
    assert limits["openrouter/perplexity/sonar"]["max_output_tokens"] is None  # the API states null
    assert limits["openrouter/vendor/bool-price"]["context_window"] is None
    routes = {r["route_id"]: r for r in normalized.tables["routes"].to_pylist()}
    claude = routes["openrouter/anthropic/claude-sonnet-4.5"]
    assert claude["input_modalities"] == ["image", "text"]  # "file" is the pdf_input capability
    assert claude["output_modalities"] == ["text"] and claude["modalities_stated"]
    assert routes["openrouter/google/gemini-2.5-flash-image"]["output_modalities"] == ["image", "text"]
    assert str(routes["openrouter/vendor/audio-out"]["deprecation_date"]) == "2026-12-31"
    assert routes["openrouter/openai/gpt-oss-20b"]["base_model"] == "gpt-oss-20b"


def test_capabilities_come_from_supported_parameters_and_modalities(served):
    _, normalized = served
    gpt = _capabilities(normalized, "openrouter/openai/gpt-oss-20b")
    assert gpt["function_calling"] and gpt["tool_choice"] and gpt["reasoning"] and gpt["response_schema"]
    assert gpt["parallel_function_calling"] is False and gpt["web_search"] is False and gpt["vision"] is False
    assert gpt["prompt_caching"] is None  # no parameter states it: unknown, not false
    claude = _capabilities(normalized, "openrouter/anthropic/claude-sonnet-4.5")
    assert claude["vision"] and claude["pdf_input"] and claude["parallel_function_calling"] and claude["web_search"]
    assert _capabilities(normalized, "openrouter/vendor/audio-out")["audio_output"] is True
    auto = _capabilities(normalized, "openrouter/openrouter/auto")
    assert auto["function_calling"] is False and auto["audio_input"] and auto["video_input"]


def test_fields_not_read_into_tables_are_kept_and_unknown_ones_counted(served):
    _, normalized = served
    extras = {(r["route_id"], r["field"]): r for r in normalized.tables["extra_fields"].to_pylist()}
    assert extras[("openrouter/vendor/new-fields", "brand_new_field")]["known"] is False
    assert extras[("openrouter/vendor/new-fields", "pricing.audio")]["value_json"] == '"0.00003"'
    assert extras[("openrouter/vendor/new-fields", "hugging_face_id")]["known"] is True
    assert extras[("openrouter/vendor/audio-out", "knowledge_cutoff")]["value_json"] == '"2025-10-01"'
    assert normalized.stats["unknown_fields"] == {"brand_new_field": 1, "pricing.audio": 1}


@pytest.mark.parametrize("body", [b"<html>", b'{"models": []}', b'{"data": {}}', b"[1, 2]"])
def test_an_answer_of_another_shape_is_a_broken_payload(body):
    with pytest.raises(BrokenPayloadError, match="openrouter"):
        parse_models(body)


# any JSON value in any field of a model
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=12),  # surrogates and controls included
    st.sampled_from(["0", "-1", "0.000001", "1e999", "NaN", "-0.5", " 2 ", "Infinity", "1_000", "text"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)
KEYS = [
    "id",
    "context_length",
    "architecture",
    "pricing",
    "top_provider",
    "supported_parameters",
    "expiration_date",
    "name",
]
NESTED = {
    "architecture": ["input_modalities", "output_modalities", "tokenizer"],
    "pricing": ["prompt", "completion", "input_cache_read", "request", "image", "web_search", "internal_reasoning"],
    "top_provider": ["max_completion_tokens", "context_length"],
}


@st.composite
def models(draw):
    model = draw(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=len(KEYS)))
    for key, names in NESTED.items():
        if draw(st.booleans()):
            model[key] = draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names)))
    if draw(st.booleans()):
        model["id"] = draw(st.sampled_from(["vendor/model", "vendor/model:free", "", "a b"]))
    return model


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=models())
def test_any_value_in_any_field_is_a_reject_never_a_crash(model):
    out = TableRows()
    walker = OpenRouterModels(out, resolver=_RESOLVER, provider_names={}, stats=Counter())
    walker.model(0, model)
    tables = out.tables()  # every row casts to the published schemas
    for name, table in tables.items():
        table.cast(schemas.NORMALIZED[name])
    model_id = model.get("id")
    if isinstance(model_id, str) and model_id and ROUTE_ID.fullmatch(f"openrouter/{model_id}"):
        assert tables["routes"]["route_id"].to_pylist() == [f"openrouter/{model_id}"]
    else:
        assert tables["routes"].num_rows == 0
        entry = [r for r in out.rows["rejects"] if r["route_id"] == "openrouter/data[0]"]
        assert len(entry) == 1 and entry[0]["field"] == "id" and entry[0]["severity"] == "error"
    for price in tables["prices"].to_pylist():
        assert price["usd"] >= 0 and price["source_field"].startswith("pricing.")


def test_the_offline_stand_in_states_the_reference_route():
    """models.dev's openrouter provider on the bundled data gives the reference page's route, priced and bounded."""
    normalized = offline_routes()
    routes = {r["route_id"]: r for r in normalized.tables["routes"].to_pylist()}
    assert set(r.split("/", 1)[0] for r in routes) == {"openrouter"}
    assert normalized.stats["entries_total"] == len(routes) > 300
    route = routes["openrouter/openai/gpt-oss-20b"]
    assert route["input_modalities"] == ["text"] and route["output_modalities"] == ["text"]
    prices = _prices(normalized, "openrouter/openai/gpt-oss-20b")
    assert prices[("input", "usd_per_1m_tokens")] == 0.03 and prices[("output", "usd_per_1m_tokens")] == 0.13
    limits = [r for r in normalized.tables["limits"].to_pylist() if r["route_id"] == "openrouter/openai/gpt-oss-20b"]
    assert limits[0]["context_window"] == 131072
    for name, table in normalized.tables.items():
        table.cast(schemas.NORMALIZED[name])


def test_the_answer_fixture_is_the_documented_shape():
    models = json.loads(ANSWER.read_text())["data"]
    assert len(models) == 13 and all(isinstance(m, dict) for m in models)
