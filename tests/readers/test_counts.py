"""Honest counts (llm_catalog.readers.counts), on rows shaped as the page's alternatives of the bundled snapshot:
providers counted once however many routes they have, a price within the cent of a cent is the same price (never
-$0.0000), self-hosted runtimes apart and never cheaper, an embedding's 0 output not priced."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from llm_catalog import schemas
from llm_catalog.identity.providers import self_hosted_providers, with_self_hosted
from llm_catalog.readers import counts, formatting
from llm_catalog.site.views import headline, quick_read

BASIS = "usd_per_1m_tokens_3in_1out"


def alternative(route_id: str, provider: str, name: str, price: float | None, own: float | None, **extra) -> dict:
    """One row of sql/readers/page/alternatives.sql: another route of the base model against one at ``own``."""
    return counts.with_self_hosted(
        {
            "other_route_id": route_id,
            "other_provider": provider,
            "other_provider_name": name,
            "other_unit_price": price,
            "price_basis": BASIS,
            "price_difference": None if price is None or own is None else round(price - own, 9),
            "other_context_window": 200000,
            "other_self_hosted": None,
            **extra,
        },
        "other_",
    )


def route(provider: str, base_model: str, **extra) -> dict:
    return counts.with_self_hosted(
        {"route_id": f"{provider}/{base_model}", "provider": provider, "provider_name": provider.capitalize(),
         "base_model": base_model, "mode": "chat", "output_modalities": ["text"], "self_hosted": None, **extra}
    )  # fmt: skip


def test_a_databricks_dbu_conversion_is_the_same_price_not_a_cheaper_provider():
    # claude-sonnet-4-5 at $6 (3:1 basis); Databricks' DBU conversion gives $5.9999975, Cortecs really is cheaper
    own = 6.0
    others = [
        alternative("cortecs/claude-4-5-sonnet", "cortecs", "Cortecs", 5.978, own),
        alternative("databricks/databricks-claude-sonnet-4-5", "databricks", "Databricks", 5.9999975, own),
        alternative("bedrock/claude-sonnet-4-5", "bedrock", "Amazon Bedrock", 6.0, own),
    ]
    summary = counts.provider_summary(route("anthropic", "claude-sonnet-4.5"), others)
    assert summary["cheaper"] == ["Cortecs"]
    assert summary["tied"] == ["Amazon Bedrock", "Databricks"]
    assert counts.difference_text(others[1]["price_difference"]) == "same price"
    text = counts.comparison_text(route("anthropic", "claude-sonnet-4.5"), others)
    assert text == ". 1 of the 3 other providers of claude-sonnet-4.5 is cheaper."


def test_providers_are_counted_once_however_many_routes_they_have():
    # gpt-4o: Azure lists the model under many deployment keys at one price; each provider counts once
    own = 4.375
    azure = [
        alternative(f"azure/{k}/gpt-4o", "azure", "Azure OpenAI", own, own) for k in ("global", "eu", "us", "standard")
    ]
    others = [*azure, alternative("openrouter/openai/gpt-4o", "openrouter", "OpenRouter", own, own)]
    others.append(alternative("openai/gpt-4o-2024-08-06", "openai", "OpenAI", own, own))  # the route's own provider
    summary = counts.provider_summary(route("openai", "gpt-4o"), others)
    assert (summary["providers"], summary["other_providers"]) == (3, 2)
    assert summary["tied"] == ["Azure OpenAI", "OpenRouter"] and not summary["cheaper"]
    assert counts.comparison_text(route("openai", "gpt-4o"), others) == (
        ". Tied for cheapest with 2 other providers of gpt-4o (3 providers in all)."
    )


def test_self_hosted_runtimes_at_zero_are_shown_apart_and_never_cheaper():
    own = 0.1
    others = [
        alternative("ollama/gpt-oss:20b", "ollama", "Ollama", 0.0, own),
        alternative("lemonade/gpt-oss-20b-mxfp4-GGUF", "lemonade", "Lemonade", 0.0, own),
        alternative("groq/openai/gpt-oss-20b", "groq", "Groq", 0.2, own),
    ]
    assert [a["other_self_hosted"] for a in others] == [True, True, False]
    summary = counts.provider_summary(route("deepinfra", "gpt-oss-20b"), others)
    assert summary["self_hosted"] == ["Lemonade", "Ollama"]
    assert not summary["cheaper"] and summary["other_providers"] == 1
    text = counts.comparison_text(route("deepinfra", "gpt-oss-20b"), others)
    assert text == ". The cheapest of 2 providers of gpt-oss-20b. Also runs on your own machine with Lemonade, Ollama."
    hosted, runtimes = counts.split_alternatives(others)
    assert [a["other_provider"] for a in hosted] == ["groq"]
    assert [a["other_provider"] for a in runtimes] == ["ollama", "lemonade"]


def test_a_self_hosted_route_says_so_rather_than_cheapest():
    others = [alternative("groq/openai/gpt-oss-20b", "groq", "Groq", 0.2, 0.0)]
    own = route("ollama", "gpt-oss-20b")
    assert own["self_hosted"]
    assert counts.comparison_text(own, others).startswith(". Runs on your own machine; 1 provider of gpt-oss-20b")


@given(st.floats(min_value=-0.0001, max_value=0.0001, allow_nan=False, exclude_min=True, exclude_max=True))
def test_a_difference_below_the_cent_of_a_cent_is_the_same_price(diff):
    assert formatting.difference_text(diff) == "same price"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_no_difference_reads_minus_zero(diff):
    assert formatting.difference_text(diff) not in ("-$0.0000", "+$0.0000")


def test_an_embeddings_zero_output_is_not_priced():
    # litellm states output_cost_per_token 0 for text-embedding-3-small: an embedding has no output tokens
    embedding = {"mode": "embedding", "output_modalities": ["embedding"]}
    output = {"price_kind": "output", "tier": "standard", "condition": None, "unit": "usd_per_1m_tokens", "usd": 0.0}
    price = {**output, **counts.not_priced(embedding, output)}
    assert price["usd"] is None and price["stated_usd"] == 0.0
    assert headline([price])["Output"] == "N/A"
    chat = {"mode": "chat", "output_modalities": ["text"]}
    assert counts.not_priced(chat, output) == {}  # a chat model's stated $0 output stays a price


def test_self_hosted_column_comes_from_the_provider_list():
    assert {"ollama", "lemonade", "lmstudio"} <= self_hosted_providers()
    routes = pa.table({"route_id": ["ollama/llama3.1", "gpt-4o"], "provider": ["ollama", "openai"]})
    assert with_self_hosted(routes)["self_hosted"].to_pylist() == [True, False]
    assert schemas.CATALOG_ROUTES.field("self_hosted").nullable is False


def test_an_older_snapshot_without_the_column_reads_from_the_provider_list():
    # readers.page gives NULL for a column the snapshot predates (LATER_COLUMNS)
    assert counts.with_self_hosted({"provider": "lemonade", "self_hosted": None})["self_hosted"] is True
    assert counts.with_self_hosted({"provider": "groq", "self_hosted": None})["self_hosted"] is False
    assert counts.with_self_hosted({"provider": "lemonade", "self_hosted": False})["self_hosted"] is False


def test_quick_read_counts_providers():
    own = 4.375
    page = {
        "route": {**route("openai", "gpt-4o"), "input_modalities": ["text"], "modalities_stated": True},
        "limits": {"context_window": 128000},
        "capabilities": {"vision": True},
        "prices": [],
        "alternatives": [
            alternative(f"azure/{k}/gpt-4o", "azure", "Azure OpenAI", own, own) for k in ("global", "eu", "us")
        ],
    }
    assert "Tied for cheapest with 1 other provider of gpt-4o (2 providers in all)." in quick_read(page)["best_for"]
