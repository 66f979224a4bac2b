"""Property (issue 21): a hidden code point (Unicode categories Cc, Cf, Co, Cs, Cn) anywhere in an id, a provider, a
name, a mode or a modality, and any string as a source's link, run through the real normalizers (LiteLLM map,
OpenRouter, genai-prices, models.dev's api.json): no traceback, the bad id or field is a reject naming it (the model
facts sources: recorded in left_out), and no hidden code point and no unlinkable link is in any normalized output."""

import json
from datetime import date

from bad_input.test_hostile_characters import published_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_catalog.normalized import models_dev_api
from llm_catalog.normalized.genai_prices import normalize as normalize_genai_prices
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.openrouter import normalize_openrouter
from llm_catalog.text import hidden_code_points, web_link

HIDDEN = st.characters(categories=["Cc", "Cf", "Co", "Cs", "Cn"])
SHOWN = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12)
# a URL a source might give: real links, and the tricks (scheme-relative, backslash, javascript:, relative)
URLS = st.one_of(
    st.sampled_from(
        [
            "https://example.com/docs",
            "//evil.example/phish",
            "/\\evil.example/phish2",
            "javascript:alert(1)",
            "docs/page",
            "https:/\\evil.example",
            "http://exa mple.com",
        ]
    ),
    st.text(max_size=40),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def hidden_text(draw) -> str:
    """A shown name with one hidden code point somewhere in it."""
    before, after = draw(SHOWN), draw(SHOWN)
    return before + draw(HIDDEN) + after


def _clean(tables) -> None:
    texts = published_text(tables)
    assert not [t for t in texts if hidden_code_points(t)]
    assert all(u is None or web_link(u) for u in tables["routes"]["source_url"].to_pylist())


@SETTINGS
@given(hidden_text(), hidden_text(), hidden_text(), URLS)
def test_litellm_hidden_id_mode_and_modality_and_any_source_link(key, mode, modality, url):
    chat = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-6}
    entries = {
        f"openai/{key}": chat,
        "openai/a-mode": {**chat, "mode": mode},
        "openai/a-modality": {**chat, "supported_modalities": ["text", modality]},
        "openai/a-link": {**chat, "source": url},
    }
    normalized = normalize(entries)
    rejects = {(r["route_id"], r["field"]): r for r in reversed(normalized.tables["rejects"].to_pylist())}
    hidden = hidden_code_points(key)[0]
    assert hidden in rejects[(f"openai/{key}".encode("utf-8", "backslashreplace").decode(), None)]["message"]
    assert rejects[("openai/a-mode", "mode")]["rule"] == "hidden_characters"
    assert rejects[("openai/a-modality", "supported_modalities")]["rule"] == "hidden_characters"
    _clean(normalized.tables)


@SETTINGS
@given(hidden_text(), hidden_text(), hidden_text())
def test_openrouter_hidden_id_name_and_modality(model_id, name, modality):
    models = [
        {"id": model_id, "pricing": {"prompt": "0"}},
        {"id": "a/named", "name": name, "pricing": {"prompt": "0"}},
        {"id": "a/modal", "architecture": {"input_modalities": [modality]}, "pricing": {"prompt": "0"}},
    ]
    normalized = normalize_openrouter(models)
    fields = {(r["route_id"], r["field"]) for r in normalized.tables["rejects"].to_pylist()}
    assert {("openrouter/data[0]", "id"), ("openrouter/a/named", "name")} <= fields
    assert ("openrouter/a/modal", "architecture.input_modalities") in fields
    _clean(normalized.tables)


@SETTINGS
@given(hidden_text(), hidden_text(), hidden_text(), URLS)
def test_genai_prices_hidden_provider_model_and_name_and_any_pricing_link(provider, model_id, name, url):
    prices = {"input_mtok": 1}
    providers = [
        {"id": provider, "models": [{"id": "m", "prices": prices}]},
        {
            "id": "acme",
            "name": name,
            "pricing_urls": [url],
            "models": [{"id": model_id, "prices": prices}, {"id": "ok", "prices": prices}],
        },
    ]
    normalized = normalize_genai_prices(providers, as_of=date(2026, 1, 1), provider_map={})
    fields = {(r["route_id"], r["field"]) for r in normalized.tables["rejects"].to_pylist()}
    assert ("acme/models[0]", "id") in fields and ("acme/ok", "provider.name") in fields
    assert normalized.tables["routes"]["route_id"].to_pylist() == ["acme/ok"]
    _clean(normalized.tables)


@SETTINGS
@given(hidden_text())
def test_models_dev_api_hidden_name_is_left_out_and_recorded(name):
    data = json.dumps({"p": {"models": {"m": {"name": name}}}}).encode()
    parsed = models_dev_api.parse(data)
    assert parsed.models[0].display_name is None
    assert parsed.left_out[0]["entry"] == "p/m" and parsed.left_out[0]["field"] == "name"
