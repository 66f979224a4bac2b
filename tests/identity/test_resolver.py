"""Name resolution rules, one by one, and their effect on the real map."""

import pytest

from llm_catalog.identity.resolver import ModelResolver, default_resolver, strip_provider_prefix


@pytest.fixture(scope="module")
def resolver() -> ModelResolver:
    return default_resolver()


@pytest.mark.parametrize(
    "key, provider, model",
    [
        ("deepinfra/openai/gpt-oss-20b", "deepinfra", "openai/gpt-oss-20b"),
        ("vertex_ai/claude-3-5-sonnet", "vertex_ai-anthropic_models", "claude-3-5-sonnet"),
        ("amazon-nova/nova-pro-v1", "amazon_nova", "nova-pro-v1"),
        ("gpt-4o", "openai", "gpt-4o"),
        ("low/1024-x-1024/gpt-image-1", "openai", "low/1024-x-1024/gpt-image-1"),
    ],
)
def test_rule1_strips_only_the_providers_own_prefix(key, provider, model):
    assert strip_provider_prefix(key, provider) == model


@pytest.mark.parametrize(
    "key, provider, base, version",
    [
        ("deepinfra/openai/gpt-oss-20b", "deepinfra", "gpt-oss-20b", None),  # rule 2: vendor path
        ("fireworks_ai/accounts/fireworks/models/gpt-oss-20b", "fireworks_ai", "gpt-oss-20b", None),
        ("us-gov.openai.gpt-oss-20b-1:0", "bedrock", "gpt-oss-20b", None),  # rule 3 geo + vendor, rule 4 -1:0
        ("bedrock/us-gov-west-1/openai.gpt-oss-20b-1:0", "bedrock", "gpt-oss-20b", None),
        ("databricks/databricks-gpt-oss-20b", "databricks", "gpt-oss-20b", None),  # rule 3 provider prefix
        ("vertex_ai/openai/gpt-oss-20b-maas", "vertex_ai-openai_models", "gpt-oss-20b", None),  # rule 4
        ("lemonade/gpt-oss-20b-mxfp4-GGUF", "lemonade", "gpt-oss-20b", None),
        ("ollama/gpt-oss:20b-cloud", "ollama", "gpt-oss-20b", None),
        ("claude-3-5-sonnet-20240620", "anthropic", "claude-3.5-sonnet", "20240620"),  # rules 4b and 5
        ("vertex_ai/claude-haiku-4-5@20251001", "vertex_ai-anthropic_models", "claude-haiku-4.5", "20251001"),
        ("gpt-4o-2024-08-06", "openai", "gpt-4o", "2024-08-06"),
        ("gpt-4-0613", "openai", "gpt-4", "0613"),
        ("fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct", "fireworks_ai", "llama-3.1-8b", None),
        ("ollama/llama3:70b", "ollama", "llama-3-70b", None),
        ("together_ai/meta-llama/Llama-3-8b-chat-hf", "together_ai", "llama-3-8b-chat", None),
        ("deepinfra/google/gemma-3-4b-it", "deepinfra", "gemma-3-4b", None),
        ("bedrock/ap-south-1/deepseek.v3.2", "bedrock", "deepseek-v3.2", None),  # vendor kept when it is the name
        ("fal_ai/fal-ai/flux/dev", "fal_ai", "flux-dev", None),  # a bare variant joins its parent
        ("fal_ai/openai/gpt-image-2/edit", "fal_ai", "gpt-image-2", None),  # an operation is not a model
        ("dataforseo/search", "dataforseo", "dataforseo-search", None),  # generic names stay per provider
        ("anthropic.claude-v2:1", "bedrock", "claude-2.1", None),  # rule 6: the alias table
    ],
)
def test_base_model_rules(resolver, key, provider, base, version):
    resolution = resolver.resolve(key, provider)
    assert (resolution.base_model, resolution.model_version) == (base, version)


def test_family_is_the_longest_listed_prefix(resolver):
    assert resolver.family_of("gpt-oss-20b") == "gpt-oss"
    assert resolver.family_of("qwen3-coder-480b") == "qwen3-coder"  # longer than qwen3
    assert resolver.family_of("qwen3-32b") == "qwen3"
    assert resolver.family_of("no-such-model") is None


def test_regions_and_wildcards_are_reported(resolver):
    assert resolver.resolve("bedrock/us-gov-west-1/openai.gpt-oss-20b-1:0", "bedrock").region == "us-gov-west-1"
    assert resolver.resolve("azure/eu/gpt-4o-2024-08-06", "azure").region == "eu"
    assert resolver.resolve("us.anthropic.claude-3-haiku-20240307-v1:0", "bedrock").region == "us"
    wildcard = resolver.resolve("bedrock/*/1-month-commitment/cohere.command-text-v14", "bedrock")
    assert (wildcard.region, wildcard.base_model) == ("*", "command-text-v14")


@pytest.mark.parametrize(
    "key, provider, needs",
    [
        ("ft:gpt-4o-2024-08-06", "openai", "fine_tune"),
        ("openai/ft:gpt-4o-mini", "openai", "fine_tune"),
        ("ft:babbage-002", "text-completion-openai", "fine_tune"),
        ("thinkingmachines/Inkling:peft:262144", "thinkingmachines", "fine_tune"),
        ("bedrock/*/1-month-commitment/cohere.command-text-v14", "bedrock", "provisioned_throughput"),
        ("bedrock/eu-central-1/6-month-commitment/anthropic.claude-v1", "bedrock", "provisioned_throughput"),
        ("llmgateway/custom", "llmgateway", "custom_model"),
        ("gpt-4o", "openai", None),
        ("gemini/gemini-3.1-pro-preview-customtools", "gemini", None),  # a model of Google's, not the user's
        ("eu.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock_converse", None),
        ("openrouter/openai/gpt-oss-20b:free", "openrouter", None),
    ],
)
def test_routes_needing_the_users_own_artefact_are_marked(resolver, key, provider, needs):
    assert resolver.resolve(key, provider).requires_own == needs


def test_requires_own_marks_what_the_real_sources_list(bundled_normalized):
    """On the bundled map: every `ft:` key is a fine-tune and every commitment key provisioned throughput, and
    nothing else is marked."""
    routes = bundled_normalized.tables["routes"].to_pylist()
    marked = {r["route_id"]: r["requires_own"] for r in routes if r["requires_own"]}
    fine_tunes = {r["route_id"] for r in routes if "ft:" in r["route_id"]}
    assert {k for k, v in marked.items() if v == "fine_tune"} == fine_tunes
    commitments = {r["route_id"] for r in routes if "-commitment/" in r["route_id"]}
    assert len(commitments) >= 20
    assert {k for k, v in marked.items() if v == "provisioned_throughput"} == commitments


def test_alias_table_wins_over_rules():
    resolver = ModelResolver({"my-odd-name": "gpt-oss-20b"}, [("gpt-oss", "gpt-oss")])
    resolution = resolver.resolve("someprovider/my-odd-name", "someprovider")
    assert (resolution.base_model, resolution.family, resolution.resolved_by) == ("gpt-oss-20b", "gpt-oss", "alias")


def test_every_gpt_oss_20b_route_of_the_real_map_resolves_to_one_base_model(bundled_normalized):
    routes = bundled_normalized.tables["routes"].to_pylist()
    named = [r for r in routes if "gpt-oss-20b" in r["route_id"].lower() and "safeguard" not in r["route_id"]]
    assert len(named) >= 20
    assert {(r["base_model"], r["family"]) for r in named} == {("gpt-oss-20b", "gpt-oss")}
    providers = {r["provider"] for r in named}
    assert {"deepinfra", "groq", "together_ai", "bedrock", "fireworks_ai"} <= providers


def test_unresolved_share_on_the_real_map_is_measured_and_bounded(bundled_normalized):
    routes = bundled_normalized.tables["routes"].to_pylist()
    unresolved = sum(1 for r in routes if r["family"] is None)
    assert unresolved == bundled_normalized.stats["routes_without_family"]
    assert unresolved / len(routes) < 0.15  # 597 of 4,876 with litellm 1.110.2's map


# issue 10: the classes of routes that split one model into two names, one rule each (key, provider, base, version)
@pytest.mark.parametrize(
    "key, provider, base, version",
    [
        # a release of instruction-tuned weights (-v0.1, bedrock's -v0:1) is a version, not a name
        ("together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1", "together_ai", "mixtral-8x7b", "v0.1"),
        ("ollama/mixtral-8x7B-Instruct-v0.1", "ollama", "mixtral-8x7b", "v0.1"),
        ("bedrock/us-east-1/mistral.mixtral-8x7b-instruct-v0:1", "bedrock", "mixtral-8x7b", None),
        ("mistral/open-mixtral-8x7b", "mistral", "mixtral-8x7b", None),  # mistral's open- vendor prefix
        # databricks' catalog namespace is two dotted segments
        ("databricks/system.ai.kimi-k3", "databricks", "kimi-k3", None),
        # fp4 quantizations and together's -it-turbo serve the same weights
        ("sail/nvidia/Gemma-4-31B-IT-NVFP4", "sail", "gemma-4-31b", None),
        ("deepinfra/google/gemma-4-31B-it-turbo", "deepinfra", "gemma-4-31b", None),
        ("together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo", "together_ai", "llama-3.3-70b", None),
        ("openai/gpt-4-turbo", "openai", "gpt-4-turbo", None),  # a model's own -turbo stays
        # a region suffix
        ("fireworks_ai/deepseek-v4p1-flash-us", "fireworks_ai", "deepseek-v4.1-flash", None),
        # year-month stamps (Mistral, Qwen) and -latest are versions like other dates
        ("mistral/ministral-3-14b-2512", "mistral", "ministral-3-14b", "2512"),
        ("mistral/mistral-large-2407", "mistral", "mistral-large", "2407"),
        ("mistral/mistral-large-latest", "mistral", "mistral-large", "latest"),
        ("snowflake/mistral-large2", "snowflake", "mistral-large", None),  # the alias table
        ("gpt-4-0613", "openai", "gpt-4", "0613"),  # month-day stamps still split
        # six-digit year-month-day stamps
        ("volcengine/doubao-seed-2-0-code-preview-260215", "volcengine", "doubao-seed-2.0-code-preview", "260215"),
        # a vendor name prefixing the model's own name
        ("deepinfra/nvidia/NVIDIA-Nemotron-Nano-9B-v2", "deepinfra", "nemotron-nano-9b-v2", None),
        ("gradient_ai/openai-gpt-4o", "gradient_ai", "gpt-4o", None),
        ("mistral/zai-glm-5-3", "mistral", "glm-5.3", None),
    ],
)
def test_split_classes_resolve_to_one_name(resolver, key, provider, base, version):
    resolution = resolver.resolve(key, provider)
    assert (resolution.base_model, resolution.model_version) == (base, version)
    assert resolution.family is not None


def test_a_vendor_prefix_is_not_taken_from_a_namespace_segment(resolver):
    # zai-org/autoglm-phone-9b: the namespace is not part of the name, so there is no "zai-" to strip
    assert resolver.resolve("novita/zai-org/autoglm-phone-9b-multilingual", "novita").base_model == (
        "autoglm-phone-9b-multilingual"
    )


def test_nemotron_with_and_without_vendor_prefix_is_one_model(resolver):
    names = {
        resolver.resolve(k, p).base_model
        for k, p in [
            ("deepinfra/nvidia/NVIDIA-Nemotron-Nano-9B-v2", "deepinfra"),
            ("fireworks_ai/accounts/fireworks/models/nvidia-nemotron-nano-9b-v2", "fireworks_ai"),
            ("nvidia.nemotron-nano-9b-v2", "bedrock"),
        ]
    }
    assert names == {"nemotron-nano-9b-v2"}


@pytest.mark.parametrize(
    "name, base",
    [
        ("qwen-2.5-7b-instruct", "qwen2.5-7b"),  # LLM Stats' spelling
        ("qwen-v2.5-14b", "qwen2.5-14b"),
        ("qwen25-coder-32b", "qwen2.5-coder-32b"),
        ("qwen2.5-72b-instruct", "qwen2.5-72b"),
        ("qwen-qwq-32b-preview", "qwq-32b-preview"),
        ("qwen-plus", "qwen-plus"),  # a named product, not a version
    ],
)
def test_qwen_spellings_are_one_name(resolver, name, base):
    assert resolver.resolve_name(name)[0] == base


def test_the_hand_labelled_identity_sample(bundled_map, resolver):
    """tests/fixtures/identity_sample.csv: routes of the bundled map, each labelled by hand with the model it serves.
    Every route resolves to its label: no split (one model, two names) and no wrong merge (two models, one name)."""
    import csv
    from pathlib import Path

    with (Path(__file__).parent.parent / "fixtures" / "identity_sample.csv").open(newline="") as handle:
        sample = list(csv.DictReader(handle))
    assert len(sample) >= 40
    for row in sample:  # the sample is of the real map: every route is in it, served by the labelled provider
        assert bundled_map[row["route_id"]]["litellm_provider"] == row["provider"]
    got = {row["route_id"]: resolver.resolve(row["route_id"], row["provider"]).base_model for row in sample}
    assert got == {row["route_id"]: row["base_model"] for row in sample}
