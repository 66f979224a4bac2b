"""Each odd-entry class of the real map, on small hand-made maps shaped like it."""

import json

import pytest

from llm_catalog.errors import SourceError
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.litellm.payload import parse_payload
from llm_catalog.normalized.litellm.vocabulary import CORE_CAPABILITIES

PROVIDERS = {"deepinfra": "DeepInfra", "openai": "OpenAI", "bedrock": "Amazon Bedrock", "perplexity": "Perplexity"}

GPT_OSS = {
    "max_input_tokens": 131072,
    "max_output_tokens": 131072,
    "input_cost_per_token": 3e-08,
    "output_cost_per_token": 1.4e-07,
    "litellm_provider": "deepinfra",
    "mode": "chat",
    "supports_tool_choice": True,
    "supports_function_calling": True,
    "source": "https://deepinfra.com/pricing",
}


def run(entries: dict, duplicates=None):
    return normalize(entries, duplicates=duplicates, resolver=default_resolver(), provider_names=PROVIDERS)


def rows(result, table):
    return result.tables[table].to_pylist()


def rejects(result, **match):
    return [r for r in rows(result, "rejects") if all(r[k] == v for k, v in match.items())]


def test_a_plain_entry_lands_in_every_typed_table():
    result = run({"deepinfra/openai/gpt-oss-20b": GPT_OSS})
    (route,) = rows(result, "routes")
    assert route["provider_name"] == "DeepInfra"
    assert (route["model"], route["base_model"], route["family"]) == ("openai/gpt-oss-20b", "gpt-oss-20b", "gpt-oss")
    assert (route["input_modalities"], route["output_modalities"], route["modalities_stated"]) == (
        ["text"],
        ["text"],
        False,
    )
    prices = {(p["price_kind"], p["tier"], p["unit"]): p["usd"] for p in rows(result, "prices")}
    assert prices == {
        ("input", "standard", "usd_per_1m_tokens"): 0.03,
        ("output", "standard", "usd_per_1m_tokens"): 0.14,
    }
    (limits,) = rows(result, "limits")
    assert (limits["context_window"], limits["max_input_tokens"], limits["max_output_tokens"]) == (
        131072,
        131072,
        131072,
    )
    caps = {c["capability"]: c["supported"] for c in rows(result, "capabilities")}
    assert set(CORE_CAPABILITIES) <= set(caps)
    assert caps["function_calling"] is True and caps["tool_choice"] is True
    assert caps["vision"] is None  # the map is silent: unknown, not false
    assert rows(result, "rejects") == [] and rows(result, "extra_fields") == []


def test_sample_spec_is_left_out_as_documentation():
    spec = {
        "input_cost_per_token": 0.0,
        "max_input_tokens": "max input tokens, if the provider specifies it",
        "litellm_provider": "one of https://docs.litellm.ai/docs/providers",
        "mode": "one of: chat, embedding",
    }
    result = run({"sample_spec": spec, "deepinfra/openai/gpt-oss-20b": GPT_OSS})
    assert [r["route_id"] for r in rows(result, "routes")] == ["deepinfra/openai/gpt-oss-20b"]
    (reject,) = rejects(result, route_id="sample_spec")
    assert (reject["rule"], reject["severity"]) == ("documentation_entry", "info")  # left out by design
    assert result.stats["entries_left_out"] == 1


def test_top_level_values_that_are_not_model_entries():
    result = run(
        {
            "a_string": "not a model",
            "fallback_generalizations": {"rules": [{"name": "x", "pattern": "^claude-", "model_info": {}}]},
            "deepinfra/openai/gpt-oss-20b": GPT_OSS,
        }
    )
    assert len(rows(result, "routes")) == 1
    assert rejects(result, route_id="a_string")[0]["rule"] == "not_an_object"
    rules_entry = rejects(result, route_id="fallback_generalizations")[0]
    assert (rules_entry["rule"], rules_entry["severity"]) == ("routing_rules", "info")
    assert rejects(result, route_id="a_string")[0]["severity"] == "error"
    assert result.stats["entries_left_out"] == 2


def test_entry_without_mode_is_published_with_a_warning_and_without_provider_is_left_out():
    result = run(
        {
            "fireworks-ai-up-to-4b": {
                "input_cost_per_token": 1e-07,
                "output_cost_per_token": 1e-07,
                "litellm_provider": "fireworks_ai",
            },
            "mystery-model": {"input_cost_per_token": 1e-07, "mode": "chat"},
        }
    )
    (route,) = rows(result, "routes")
    assert route["route_id"] == "fireworks-ai-up-to-4b" and route["mode"] is None
    assert route["input_modalities"] is None  # no mode, no stated modalities: unknown
    assert rejects(result, route_id="fireworks-ai-up-to-4b")[0]["severity"] == "warning"
    assert rejects(result, route_id="mystery-model")[0]["rule"] == "missing_provider"


def test_integer_zero_prices_and_float_token_limits():
    entry = {
        **GPT_OSS,
        "input_cost_per_token": 0,
        "output_cost_per_token": 0,
        "max_input_tokens": 2000000.0,
        "max_output_tokens": 8192.0,
    }
    result = run({"deepinfra/free-model": entry})
    assert {p["usd"] for p in rows(result, "prices")} == {0.0}
    assert all(isinstance(p["usd"], float) for p in rows(result, "prices"))
    (limits,) = rows(result, "limits")
    assert (limits["max_input_tokens"], limits["max_output_tokens"]) == (2000000, 8192)


@pytest.mark.parametrize(
    "field, value, rule",
    [
        ("max_input_tokens", -1, "limit_negative"),
        ("max_input_tokens", 1500.5, "limit_not_integer"),
        ("max_output_tokens", "4096", "limit_not_a_number"),
        ("input_cost_per_token", "0.000001", "price_not_a_number"),
        ("input_cost_per_token", -1e-06, "price_negative"),
        ("supports_vision", "yes", "capability_not_boolean"),
    ],
)
def test_a_bad_field_is_left_out_and_recorded_the_entry_stays(field, value, rule):
    result = run({"deepinfra/openai/gpt-oss-20b": {**GPT_OSS, field: value}})
    assert len(rows(result, "routes")) == 1
    (reject,) = rejects(result, field=field)
    assert (reject["rule"], reject["severity"], json.loads(reject["value"])) == (rule, "error", value)
    assert field not in {p["source_field"] for p in rows(result, "prices")}


def test_zero_limits_as_the_real_map_states_them():
    """omni-moderation states max_output_tokens and max_tokens 0 (a moderation call returns no tokens): null, no cap
    applies, recorded as info. vercel_ai_gateway states 0 for every limit of its embedding models, also those it calls
    chat: a placeholder, null with a warning. Every entry is published, with its window where it states one."""
    moderation = {"max_input_tokens": 32768, "max_output_tokens": 0, "max_tokens": 0, "mode": "moderation"}
    embedding = {"max_input_tokens": 0, "max_output_tokens": 0, "max_tokens": 0, "mode": "embedding"}
    result = run(
        {
            "omni-moderation-latest": {**moderation, "input_cost_per_token": 0, "litellm_provider": "openai"},
            "vercel_ai_gateway/openai/text-embedding-3-small": {**embedding, "litellm_provider": "vercel_ai_gateway"},
            "vercel_ai_gateway/mistral/mistral-embed": {
                **embedding,
                "mode": "chat",
                "litellm_provider": "vercel_ai_gateway",
            },
        }
    )
    assert len(rows(result, "routes")) == 3
    limits = {r.pop("route_id"): r for r in rows(result, "limits")}
    assert limits["omni-moderation-latest"] == {
        "context_window": 32768, "max_input_tokens": 32768, "max_output_tokens": None, "max_tokens": None
    }  # fmt: skip
    assert set(limits["vercel_ai_gateway/openai/text-embedding-3-small"].values()) == {None}
    assert set(limits["vercel_ai_gateway/mistral/mistral-embed"].values()) == {None}
    found = {(r["route_id"].split("/")[-1], r["field"], r["rule"], r["severity"]) for r in rows(result, "rejects")}
    assert found == {
        ("omni-moderation-latest", "max_output_tokens", "limit_not_applicable", "info"),
        ("omni-moderation-latest", "max_tokens", "limit_not_applicable", "info"),
        ("text-embedding-3-small", "max_input_tokens", "limit_zero", "warning"),
        ("text-embedding-3-small", "max_output_tokens", "limit_not_applicable", "info"),
        ("text-embedding-3-small", "max_tokens", "limit_not_applicable", "info"),
        ("mistral-embed", "max_input_tokens", "limit_zero", "warning"),
        ("mistral-embed", "max_output_tokens", "limit_zero", "warning"),
        ("mistral-embed", "max_tokens", "limit_zero", "warning"),
    }


def test_wildcard_and_region_keys():
    entry = {
        "input_cost_per_token": 1.5e-06,
        "output_cost_per_token": 2e-06,
        "litellm_provider": "bedrock",
        "mode": "chat",
    }
    result = run(
        {
            "bedrock/*/1-month-commitment/cohere.command-text-v14": entry,
            "bedrock/us-gov-west-1/openai.gpt-oss-20b-1:0": {**entry, "input_cost_per_token": 7e-08},
        }
    )
    by_id = {r["route_id"]: r for r in rows(result, "routes")}
    assert by_id["bedrock/*/1-month-commitment/cohere.command-text-v14"]["region"] == "*"
    assert by_id["bedrock/us-gov-west-1/openai.gpt-oss-20b-1:0"]["region"] == "us-gov-west-1"
    assert by_id["bedrock/us-gov-west-1/openai.gpt-oss-20b-1:0"]["base_model"] == "gpt-oss-20b"


def test_keys_differing_only_by_case_are_both_published_and_flagged():
    result = run({"deepinfra/GPT-OSS-20B": GPT_OSS, "deepinfra/gpt-oss-20b": GPT_OSS})
    assert len(rows(result, "routes")) == 2
    flagged = rejects(result, rule="case_duplicate_key")
    assert {r["route_id"] for r in flagged} == {"deepinfra/GPT-OSS-20B", "deepinfra/gpt-oss-20b"}
    assert {r["severity"] for r in flagged} == {"warning"}


def test_the_same_model_under_several_keys_points_at_the_shortest():
    result = run(
        {
            "fireworks_ai/accounts/fireworks/models/gpt-oss-20b": {**GPT_OSS, "litellm_provider": "fireworks_ai"},
            "fireworks_ai/gpt-oss-20b": {**GPT_OSS, "litellm_provider": "fireworks_ai", "source": "elsewhere"},
            "deepinfra/openai/gpt-oss-20b": GPT_OSS,  # another provider: an alternative, not a duplicate
        }
    )
    by_id = {r["route_id"]: r["duplicate_of"] for r in rows(result, "routes")}
    assert by_id == {
        "fireworks_ai/accounts/fireworks/models/gpt-oss-20b": "fireworks_ai/gpt-oss-20b",
        "fireworks_ai/gpt-oss-20b": None,
        "deepinfra/openai/gpt-oss-20b": None,
    }
    assert result.stats["duplicate_routes"] == 1


def test_nested_cost_dicts_become_one_price_row_per_key():
    entry = {
        **GPT_OSS,
        "search_context_cost_per_query": {"search_context_size_high": 0.014, "search_context_size_low": 0.005},
    }
    result = run({"perplexity/sonar": {**entry, "litellm_provider": "perplexity"}})
    search = sorted(
        (p["condition"], p["usd"], p["source_field"]) for p in rows(result, "prices") if p["price_kind"] == "web_search"
    )
    assert search == [
        ("search_context_size_high", 0.014, "search_context_cost_per_query.search_context_size_high"),
        ("search_context_size_low", 0.005, "search_context_cost_per_query.search_context_size_low"),
    ]


def test_tiered_and_off_peak_pricing():
    entry = {
        **GPT_OSS,
        "tiered_pricing": [
            {"input_cost_per_token": 5e-08, "range": [0, 256000.0]},
            {"input_cost_per_token": 2.5e-07, "range": [256000.0, 1000000.0]},
        ],
        "off_peak_pricing": {"input_cost_per_token": 1.5e-08, "windows": [{"weekdays": [6, 7]}]},
    }
    result = run({"deepinfra/tiered": entry})
    prices = {(p["tier"], p["condition"]): p["usd"] for p in rows(result, "prices") if p["price_kind"] == "input"}
    assert prices == {
        ("standard", None): 0.03,
        ("standard", "tokens_0_to_256000"): 0.05,
        ("standard", "tokens_256000_to_1000000"): 0.25,
        ("off_peak", None): 0.015,
    }
    extra = {e["field"]: e for e in rows(result, "extra_fields")}
    assert extra["off_peak_pricing.windows"]["known"] is True


def test_unknown_fields_are_kept_flagged_and_counted():
    entry = {**GPT_OSS, "supports_telepathy": True, "brand_new_field": {"a": 1}, "rpm": 300}
    result = run({"deepinfra/openai/gpt-oss-20b": entry, "deepinfra/other": {**GPT_OSS, "brand_new_field": 2}})
    extra = [(e["route_id"], e["field"], json.loads(e["value_json"]), e["known"]) for e in rows(result, "extra_fields")]
    assert ("deepinfra/openai/gpt-oss-20b", "brand_new_field", {"a": 1}, False) in extra
    assert ("deepinfra/openai/gpt-oss-20b", "rpm", 300, True) in extra
    assert result.stats["unknown_fields"] == {"brand_new_field": 2}
    # a supports_* flag nobody has seen is still a capability
    caps = {(c["route_id"], c["capability"]): c["supported"] for c in rows(result, "capabilities")}
    assert caps[("deepinfra/openai/gpt-oss-20b", "telepathy")] is True


def test_alias_entries_take_their_targets_data():
    result = run(
        {
            "bedrock/claude-fable-latest": {"alias_of": "global.anthropic.claude-fable-5-1"},
            "global.anthropic.claude-fable-5-1": {
                "input_cost_per_token": 5e-06,
                "litellm_provider": "bedrock",
                "mode": "chat",
            },
            "bedrock/ghost-latest": {"alias_of": "no-such-entry"},
        }
    )
    by_id = {r["route_id"]: r for r in rows(result, "routes")}
    assert by_id["bedrock/claude-fable-latest"]["alias_of"] == "global.anthropic.claude-fable-5-1"
    assert by_id["bedrock/claude-fable-latest"]["provider"] == "bedrock"
    assert {p["usd"] for p in rows(result, "prices") if p["route_id"] == "bedrock/claude-fable-latest"} == {5.0}
    assert rejects(result, route_id="bedrock/ghost-latest")[0]["rule"] == "alias_target_missing"


def test_stated_modalities_win_over_inference():
    entry = {
        **GPT_OSS,
        "supported_modalities": ["text", "image"],
        "supported_output_modalities": ["text"],
        "supports_vision": True,
    }
    (route,) = rows(run({"deepinfra/vl": entry}), "routes")
    assert (route["input_modalities"], route["output_modalities"], route["modalities_stated"]) == (
        ["image", "text"],
        ["text"],
        True,
    )
    (inferred,) = rows(run({"deepinfra/vl": {**GPT_OSS, "supports_vision": True}}), "routes")
    assert inferred["input_modalities"] == ["image", "text"] and inferred["modalities_stated"] is False


def test_duplicate_keys_in_the_raw_json_keep_the_last_copy_and_are_recorded():
    raw = (
        b'{"deepinfra/m": {"input_cost_per_token": 1e-06, "litellm_provider": "deepinfra", "mode": "chat"},'
        b' "deepinfra/m": {"input_cost_per_token": 2e-06, "litellm_provider": "deepinfra", "mode": "chat"}}'
    )
    entries, duplicates = parse_payload(raw)
    result = run(entries, duplicates)
    assert [p["usd"] for p in rows(result, "prices")] == [2.0]
    (reject,) = rejects(result, rule="duplicate_key")
    assert [v["input_cost_per_token"] for v in json.loads(reject["value"])] == [1e-06, 2e-06]


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "looks like an HTML page"),
        (b'{"deepinfra/m": {"input_cost_per_token": 1e-06,', "not valid JSON"),
        (b"{}", "empty object"),
        (b'[{"model": "x"}]', "got a list"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_payloads_that_are_not_a_map_raise_a_clear_source_error(payload, message):
    with pytest.raises(SourceError) as raised:
        parse_payload(payload, source="litellm (https://example.test/map.json)")
    assert message in str(raised.value)
    assert "litellm (https://example.test/map.json)" in str(raised.value)


def test_price_bounds_are_per_unit():
    """Calibrated on the real maps: what a real price reaches in its unit is published quietly, a dear one with a
    warning, and one only a unit mistake reaches (gpt-4o-mini's $50 per web search query, jais-30b-chat's $3,200 per
    1M tokens, both fixed upstream later) is a per-field reject; the route stays."""
    entry = {
        **GPT_OSS,
        "input_cost_per_token": 3.2e-03,  # $3,200 per 1M tokens
        "output_cost_per_token": 8e-04,  # $800 per 1M tokens: above o1-pro's 600, below 1,000
        "output_cost_per_second": 1.5,  # a 4K video second
        "output_cost_per_image": 5.0,
        "search_context_cost_per_query": {"search_context_size_low": 0.03, "search_context_size_high": 50.0},
    }
    result = run({"deepinfra/openai/gpt-oss-20b": entry})
    assert len(rows(result, "routes")) == 1
    published = {p["source_field"]: p["usd"] for p in rows(result, "prices")}
    assert published == {
        "output_cost_per_token": 800.0,
        "output_cost_per_second": 1.5,
        "output_cost_per_image": 5.0,
        "search_context_cost_per_query.search_context_size_low": 0.03,
    }
    found = {(r["field"], r["rule"], r["severity"], r["message"]) for r in rows(result, "rejects")}
    assert found == {
        ("input_cost_per_token", "price_implausible", "error", "3200 usd_per_1m_tokens is above the plausible 1,000"),
        (
            "search_context_cost_per_query.search_context_size_high",
            "price_implausible",
            "error",
            "50 usd_per_query is above the plausible 5",
        ),
        (
            "output_cost_per_token",
            "price_unusual",
            "warning",
            "800 usd_per_1m_tokens is above 600, the top of the real prices in that unit; published",
        ),
        (
            "output_cost_per_image",
            "price_unusual",
            "warning",
            "5 usd_per_image is above 1, the top of the real prices in that unit; published",
        ),
    }
