"""Route matching: one route per provider and model across sources, the issue's name variants matched or kept apart,
and two routes of one source never merged."""

import pytest
from handmade_sources import info, route, source_tables

from llm_catalog.reconciliation.matching import name_key, serving_key
from llm_catalog.reconciliation.reconcile import reconcile


@pytest.mark.parametrize(
    ("provider", "one", "other"),
    [
        # vendor prefixes inside a provider
        ("gradient_ai", "anthropic-claude-3.5-sonnet", "claude-3-5-sonnet"),
        ("novita", "alibaba-qwen3-32b", "qwen/qwen3-32b"),
        ("zai", "coding-glm-5.3", "glm-5.3"),
        # version spellings
        ("vertex_ai", "mistral-large@2407", "mistral-large-2407"),
        ("fireworks_ai", "accounts/fireworks/models/llama-v3p1-70b-instruct", "llama-3.1-70b-instruct"),
        ("fireworks_ai", "deepseek-v3p1", "deepseek-v3.1"),
        ("anthropic", "claude-sonnet-4-0", "claude-sonnet-4"),
        ("vertex_ai", "codestral-2@001", "codestral-2"),
        # quantization tags
        ("novita", "qwen/qwen3-32b-fp8", "qwen3-32b"),
        ("groq", "openai/gpt-oss-120b-mxfp4", "gpt-oss-120b"),
        ("nebius", "Qwen/Qwen3-235B-A22B-GGUF", "qwen3-235b-a22b"),
        # Llama 4 by name or by expert count
        ("together_ai", "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "llama-4-maverick"),
        ("groq", "meta-llama/llama-4-scout-17b-16e-instruct", "llama-4-scout"),
        ("snowflake", "llama4-maverick", "llama-4-17b-128e"),
    ],
)
def test_name_variants_have_one_name_key(provider, one, other):
    assert name_key(one, provider) == name_key(other, provider)


@pytest.mark.parametrize(
    ("provider", "one", "other"),
    [
        ("vertex_ai", "meta/llama-4-maverick-17b-16e-instruct-maas", "meta/llama-4-maverick-17b-128e-instruct-maas"),
        ("vertex_ai", "meta/llama-4-scout-17b-16e-instruct-maas", "meta/llama-4-maverick-17b-128e-instruct-maas"),
        ("groq", "llama-4-scout", "llama-4-maverick"),
        ("openai", "gpt-4o-2024-05-13", "gpt-4o-2024-08-06"),
        ("openai", "gpt-4", "gpt-4-turbo"),  # a serving tier is no part of the name key
        ("together_ai", "qwen3-32b", "qwen3-235b-a22b"),
        ("vertex_ai", "mistral-large@2407", "mistral-large@2411-001"),
    ],
)
def test_different_models_have_different_name_keys(provider, one, other):
    assert name_key(one, provider) != name_key(other, provider)


@pytest.mark.parametrize(
    ("model", "without_tier"),
    [
        ("openai/gpt-oss-120b-Turbo", "gpt-oss-120b"),
        ("glm-5p2-fast", "glm-5.2"),
        ("google/gemma-4-31B-it-Ultra", "gemma-4-31b"),
        ("qwen3-32b-basic", "qwen3-32b"),
        ("meta/llama-3.3-70b-instruct-fp8-fast", "llama-3.3-70b"),
    ],
)
def test_a_serving_tier_is_dropped_only_in_the_serving_key(model, without_tier):
    key = name_key(model, "deepinfra")
    assert key != without_tier
    assert serving_key(key, "deepinfra") == without_tier


def matched(sources: dict, days: dict | None = None) -> dict[tuple[str, str], str]:
    """(source, source route id) -> (catalog route id, matched_by)."""
    days = days or {}
    result = reconcile(sources, {name: info(days.get(name, 1)) for name in sources})
    rows = result.tables["route_sources"].to_pylist()
    return {(row["source"], row["source_route_id"]): (row["route_id"], row["matched_by"]) for row in rows}, result


def test_routes_of_several_sources_are_one_route_and_the_first_sources_ids_stay():
    first = source_tables(
        route("deepinfra/openai/gpt-oss-120b"), route("vertex_ai/mistral-large@2407"), route("gradient_ai/claude")
    )
    second = source_tables(
        route("deepinfra/gpt-oss-120b"),
        route("vertex_ai/mistral-large-2407"),
        route("openai/gpt-oss-120b"),  # another provider: never the deepinfra route
        route("zai/glm-5.3"),
    )
    third = source_tables(route("zai/coding-glm-5.3"), route("DeepInfra/OpenAI/GPT-OSS-120B", "deepinfra"))
    found, result = matched({"litellm": first, "models_dev": second, "genai_prices": third})
    assert found[("models_dev", "deepinfra/gpt-oss-120b")] == ("deepinfra/openai/gpt-oss-120b", "same_name")
    assert found[("models_dev", "vertex_ai/mistral-large-2407")] == ("vertex_ai/mistral-large@2407", "same_name")
    assert found[("models_dev", "openai/gpt-oss-120b")] == ("openai/gpt-oss-120b", "new")
    # a route only the second source lists keeps its id, and the third source matches it
    assert found[("genai_prices", "zai/coding-glm-5.3")] == ("zai/glm-5.3", "same_name")
    assert found[("genai_prices", "DeepInfra/OpenAI/GPT-OSS-120B")] == ("deepinfra/openai/gpt-oss-120b", "same_model")
    routes = {row["route_id"]: row["sources"] for row in result.tables["routes"].to_pylist()}
    assert routes == {
        "deepinfra/openai/gpt-oss-120b": ["litellm", "models_dev", "genai_prices"],
        "vertex_ai/mistral-large@2407": ["litellm", "models_dev"],
        "gradient_ai/claude": ["litellm"],
        "openai/gpt-oss-120b": ["models_dev"],
        "zai/glm-5.3": ["models_dev", "genai_prices"],
    }
    assert result.stats["sources"]["models_dev"] == {"routes": 4, "same_name": 2, "new": 2}
    assert result.stats["sources"]["genai_prices"] == {"routes": 2, "same_model": 1, "same_name": 1}


def test_two_routes_of_one_source_are_never_merged():
    # the first source lists a quantized route and a turbo tier next to the plain one: all stay
    first = source_tables(
        route("novita/qwen/qwen3-32b"),
        route("novita/qwen/qwen3-32b-fp8"),
        route("deepinfra/openai/gpt-oss-120b"),
        route("deepinfra/openai/gpt-oss-120b-Turbo"),
    )
    # the second lists both spellings of one model too: each takes its own catalog route
    second = source_tables(
        route("novita/qwen3-32b-fp8"),
        route("novita/qwen3-32b"),
        route("novita/Qwen3-32B-FP8-GGUF", "novita"),
        route("deepinfra/gpt-oss-120b-turbo"),
    )
    found, result = matched({"litellm": first, "other": second})
    assert result.tables["routes"].num_rows == 5
    assert found[("other", "novita/qwen3-32b-fp8")] == ("novita/qwen/qwen3-32b-fp8", "same_name")
    assert found[("other", "novita/qwen3-32b")] == ("novita/qwen/qwen3-32b", "same_name")
    assert found[("other", "novita/Qwen3-32B-FP8-GGUF")] == ("novita/Qwen3-32B-FP8-GGUF", "new")
    assert found[("other", "deepinfra/gpt-oss-120b-turbo")] == ("deepinfra/openai/gpt-oss-120b-Turbo", "same_name")
    for source in ("litellm", "other"):
        catalog_ids = [route_id for (name, _), (route_id, _) in found.items() if name == source]
        assert len(catalog_ids) == len(set(catalog_ids)) == 4


def test_a_serving_tier_matches_across_sources_only_when_nothing_closer_does():
    first = source_tables(route("novita/deepseek/deepseek-v3-turbo"), route("fireworks_ai/glm-5p2-fast"))
    second = source_tables(
        route("novita/deepseek-v3"), route("fireworks_ai/glm-5.2"), route("fireworks_ai/glm-5.2-fast")
    )
    found, _ = matched({"litellm": first, "other": second})
    assert found[("other", "novita/deepseek-v3")] == ("novita/deepseek/deepseek-v3-turbo", "serving_variant")
    assert found[("other", "fireworks_ai/glm-5.2-fast")] == ("fireworks_ai/glm-5p2-fast", "same_name")
    assert found[("other", "fireworks_ai/glm-5.2")] == ("fireworks_ai/glm-5.2", "new")


def test_llama_4_variants_match_by_expert_count():
    first = source_tables(
        route("vertex_ai/meta/llama-4-maverick-17b-128e-instruct-maas"),
        route("vertex_ai/meta/llama-4-maverick-17b-16e-instruct-maas"),
        route("vertex_ai/meta/llama-4-scout-17b-16e-instruct-maas"),
    )
    second = source_tables(route("vertex_ai/llama-4-maverick"), route("vertex_ai/llama-4-scout"))
    found, _ = matched({"litellm": first, "other": second})
    assert found[("other", "vertex_ai/llama-4-maverick")][0] == "vertex_ai/meta/llama-4-maverick-17b-128e-instruct-maas"
    assert found[("other", "vertex_ai/llama-4-scout")][0] == "vertex_ai/meta/llama-4-scout-17b-16e-instruct-maas"


def test_a_canonical_route_is_matched_before_its_duplicate():
    first = source_tables(route("azure/gpt-3.5-turbo"), route("azure/gpt-35-turbo", duplicate_of="azure/gpt-3.5-turbo"))
    second = source_tables(route("azure/GPT-3.5-Turbo-Chat", "azure"))
    found, _ = matched({"litellm": first, "other": second})
    assert found[("other", "azure/GPT-3.5-Turbo-Chat")] == ("azure/GPT-3.5-Turbo-Chat", "new")
    second = source_tables(route("azure/gpt35turbo", "azure"), route("azure/openai/gpt-3.5-turbo", "azure"))
    found, _ = matched({"litellm": first, "other": second})
    assert found[("other", "azure/openai/gpt-3.5-turbo")] == ("azure/gpt-3.5-turbo", "same_name")


def test_a_provider_the_map_splits_is_one_provider_and_a_region_is_its_own_route():
    first = source_tables(
        route("vertex_ai/claude-opus-4-7@default", "vertex_ai-anthropic_models"),
        route("bedrock/eu-west-1/mistral.voxtral-small-24b-2507", "bedrock"),
        route("us.anthropic.claude-sonnet-5", "bedrock_converse"),
    )
    second = source_tables(
        route("vertex_ai/claude-opus-4-7"),
        route("bedrock/mistral.voxtral-small-24b-2507"),
        route("bedrock/eu.anthropic.claude-sonnet-5"),
        route("bedrock/us.anthropic.claude-sonnet-5"),
    )
    found, result = matched({"litellm": first, "models_dev": second})
    assert found[("models_dev", "vertex_ai/claude-opus-4-7")][0] == "vertex_ai/claude-opus-4-7@default"
    assert found[("models_dev", "bedrock/us.anthropic.claude-sonnet-5")][0] == "us.anthropic.claude-sonnet-5"
    # another region, or no region, is another route
    assert found[("models_dev", "bedrock/mistral.voxtral-small-24b-2507")][1] == "new"
    assert found[("models_dev", "bedrock/eu.anthropic.claude-sonnet-5")][1] == "new"
    providers = {row["route_id"]: row["provider"] for row in result.tables["routes"].to_pylist()}
    assert providers["vertex_ai/claude-opus-4-7@default"] == "vertex_ai-anthropic_models"  # the first source's


def test_a_published_route_keeps_its_id_when_an_earlier_source_lists_it_later():
    infos = {"litellm": info(1), "models_dev": info(1)}
    nova = {"prices": {"input": 0.3}}
    later = source_tables(route("bedrock/amazon.nova-9-lite-v1:0", "bedrock", **nova), route("zai/glm-5.3"))
    before = reconcile({"litellm": source_tables(route("gradient_ai/claude")), "models_dev": later}, infos)
    published = before.tables["route_sources"]
    assert "bedrock/amazon.nova-9-lite-v1:0" in published.column("route_id").to_pylist()
    # the map now lists the same route under its own key: the published id stays, the map's is its source route id
    now = {
        "litellm": source_tables(route("gradient_ai/claude"), route("amazon.nova-9-lite-v1:0", "bedrock", **nova)),
        "models_dev": later,
    }
    kept = reconcile(now, infos, published=published)
    found = {(r["source"], r["source_route_id"]): r["route_id"] for r in kept.tables["route_sources"].to_pylist()}
    assert found[("litellm", "amazon.nova-9-lite-v1:0")] == "bedrock/amazon.nova-9-lite-v1:0"
    assert found[("models_dev", "bedrock/amazon.nova-9-lite-v1:0")] == "bedrock/amazon.nova-9-lite-v1:0"
    prices = {r["route_id"] for r in kept.tables["prices"].to_pylist()}
    assert "bedrock/amazon.nova-9-lite-v1:0" in prices and "amazon.nova-9-lite-v1:0" not in prices
    # without what was published, the map's id is the route's
    fresh = reconcile(now, infos)
    assert "amazon.nova-9-lite-v1:0" in fresh.tables["routes"].column("route_id").to_pylist()
