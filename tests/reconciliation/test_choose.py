"""A value per field: three hand-made sources exercise each rule (authority, a source generated from it, agreement,
independence, recency, source order, a unit slip and a cache price in the input field outvoted), and every
disagreement keeps every source's value."""

import pytest
from handmade_sources import info, route, source_tables

from llm_catalog.errors import SourceError
from llm_catalog.reconciliation.choose import RULES
from llm_catalog.reconciliation.reconcile import reconcile

OPENROUTER_API = info(20, authority=frozenset({"openrouter"}))
MODELS_DEV = info(10, generated_from={"openrouter": "openrouter_api"})


def chosen(sources: dict, infos: dict, table: str = "prices") -> dict:
    """route_id -> the chosen row of its input price (or the table's only field per route)."""
    result = reconcile(sources, infos)
    rows = result.tables[table].to_pylist()
    if table == "prices":
        rows = [row for row in rows if row["price_kind"] == "input"]
    return {row["route_id"]: row for row in rows}, result


def one_price(route_id: str, usd: float, **prices) -> dict:
    return route(route_id, prices={"input": usd, **prices})


def test_the_providers_own_statement_wins_over_agreement_and_recency():
    gpt = "openrouter/openai/gpt-oss-20b"
    rows, _ = chosen(
        {
            "litellm": source_tables(one_price(gpt, 0.20)),
            "genai_prices": source_tables(one_price(gpt, 0.20)),
            "openrouter_api": source_tables(one_price(gpt, 0.10)),
        },
        {"litellm": info(1), "genai_prices": info(25), "openrouter_api": OPENROUTER_API},
    )
    assert (rows[gpt]["usd"], rows[gpt]["source"], rows[gpt]["rule"]) == (0.10, "openrouter_api", "authority")
    assert rows[gpt]["sources_stating"] == ["litellm", "genai_prices", "openrouter_api"]
    assert rows[gpt]["sources_agreeing"] == ["openrouter_api"]


def test_a_source_generated_from_the_providers_statement_is_second_in_line_also_offline():
    gpt = "openrouter/openai/gpt-oss-20b"
    sources = {
        "litellm": source_tables(one_price(gpt, 0.20)),
        "models_dev": source_tables(one_price(gpt, 0.10)),
        "genai_prices": source_tables(one_price(gpt, 0.20)),
    }
    # the OpenRouter API is only described (not in the run): models.dev's openrouter provider stands in for it
    infos = {"litellm": info(1), "models_dev": MODELS_DEV, "genai_prices": info(25), "openrouter_api": OPENROUTER_API}
    rows, _ = chosen(sources, infos)
    assert (rows[gpt]["usd"], rows[gpt]["source"]) == (0.10, "models_dev")
    assert rows[gpt]["rule"] == "generated_from_authority"
    # for another provider models.dev is one source among others: agreement decides
    other = "deepinfra/openai/gpt-oss-20b"
    sources = {name: source_tables(one_price(other, usd)) for name, usd in zip(sources, (0.2, 0.1, 0.2), strict=True)}
    rows, _ = chosen(sources, infos)
    assert (rows[other]["usd"], rows[other]["rule"]) == (0.2, "agreement")


def test_the_value_most_independent_sources_agree_on_wins_within_half_a_percent():
    key = "deepinfra/meta-llama/Llama-3.3-70B-Instruct"
    rows, result = chosen(
        {
            "litellm": source_tables(one_price(key, 0.230)),
            "models_dev": source_tables(one_price(key, 0.231)),  # 0.43% apart: agrees
            "genai_prices": source_tables(one_price(key, 0.250)),  # the newest, alone
        },
        {"litellm": info(1), "models_dev": info(2), "genai_prices": info(30)},
    )
    assert rows[key]["rule"] == "agreement"
    assert rows[key]["usd"] == 0.231  # of the agreeing values, the newer
    assert rows[key]["sources_agreeing"] == ["litellm", "models_dev"]
    (disagreement,) = [row for row in result.tables["price_disagreements"].to_pylist() if row["price_kind"] == "input"]
    assert [(s["source"], s["usd"], s["as_of"].day, s["flag"]) for s in disagreement["statements"]] == [
        ("litellm", 0.230, 1, None),
        ("models_dev", 0.231, 2, None),
        ("genai_prices", 0.250, 30, None),
    ]
    assert (disagreement["usd"], disagreement["source"], disagreement["rule"]) == (0.231, "models_dev", "agreement")


def test_a_source_generated_from_another_is_not_independent_of_it():
    key = "together_ai/Qwen/Qwen3-32B"
    rows, _ = chosen(
        {
            "litellm": source_tables(one_price(key, 0.50)),
            "litellm_mirror": source_tables(one_price(key, 0.50)),
            "genai_prices": source_tables(one_price(key, 0.40)),
        },
        {"litellm": info(1), "litellm_mirror": info(2, generated_from={"*": "litellm"}), "genai_prices": info(5)},
    )
    # two sources state 0.50, but one is the other's word again: a tie, and the more recent statement wins
    assert (rows[key]["usd"], rows[key]["rule"]) == (0.40, "recency")


def test_on_a_tie_the_most_recent_statement_wins_then_the_first_source():
    key = "groq/llama-3.1-8b-instant"
    sources = {
        "litellm": source_tables(one_price(key, 0.05)),
        "models_dev": source_tables(one_price(key, 0.06)),
    }
    rows, _ = chosen(sources, {"litellm": info(3), "models_dev": info(9)})
    assert (rows[key]["usd"], rows[key]["source"], rows[key]["rule"]) == (0.06, "models_dev", "recency")
    rows, _ = chosen(sources, {"litellm": info(3), "models_dev": info(3)})
    assert (rows[key]["usd"], rows[key]["source"], rows[key]["rule"]) == (0.05, "litellm", "source_order")


def test_a_unit_slip_never_wins():
    key = "mistral/mistral-large-2411"
    # two sources, one 1000x the other (a per-1K price written per token): the larger is outvoted although newer
    rows, result = chosen(
        {"litellm": source_tables(one_price(key, 2000.0)), "genai_prices": source_tables(one_price(key, 2.0))},
        {"litellm": info(20), "genai_prices": info(1)},
    )
    assert (rows[key]["usd"], rows[key]["source"], rows[key]["rule"]) == (2.0, "genai_prices", "unit_slip")
    (disagreement,) = result.tables["price_disagreements"].to_pylist()
    assert [(s["source"], s["flag"]) for s in disagreement["statements"]] == [
        ("litellm", "unit_slip"),
        ("genai_prices", None),
    ]
    # three sources: the one 1000x smaller than two that agree slipped; agreement decides among the rest
    rows, result = chosen(
        {
            "litellm": source_tables(one_price(key, 0.002)),
            "models_dev": source_tables(one_price(key, 2.0)),
            "genai_prices": source_tables(one_price(key, 2.004)),
        },
        {"litellm": info(30), "models_dev": info(1), "genai_prices": info(1)},
    )
    assert (rows[key]["usd"], rows[key]["rule"]) == (2.0, "agreement")
    flags = {s["source"]: s["flag"] for s in result.tables["price_disagreements"].to_pylist()[0]["statements"]}
    assert flags == {"litellm": "unit_slip", "models_dev": None, "genai_prices": None}


def test_a_cache_read_price_in_the_input_field_never_wins():
    key = "anthropic/claude-sonnet-4-5"
    rows, result = chosen(
        {
            "litellm": source_tables(one_price(key, 0.30)),  # the newest, but it is the cache-read price
            "models_dev": source_tables(one_price(key, 3.0, cache_read=0.30)),
        },
        {"litellm": info(20), "models_dev": info(1)},
    )
    assert (rows[key]["usd"], rows[key]["source"], rows[key]["rule"]) == (3.0, "models_dev", "cache_price_in_input")
    flags = {s["source"]: s["flag"] for s in result.tables["price_disagreements"].to_pylist()[0]["statements"]}
    assert flags == {"litellm": "cache_price_in_input", "models_dev": None}
    # when the other sources do not agree on the input, equal to a cache price is no proof: recency decides
    rows, _ = chosen(
        {
            "litellm": source_tables(one_price(key, 0.30)),
            "models_dev": source_tables(one_price(key, 3.0, cache_read=0.30)),
            "genai_prices": source_tables(one_price(key, 3.3)),
        },
        {"litellm": info(20), "models_dev": info(1), "genai_prices": info(2)},
    )
    assert (rows[key]["usd"], rows[key]["rule"]) == (0.30, "recency")


def test_a_zero_where_another_source_states_a_price_never_wins():
    key = "cohere/command-a-plus-05-2026"
    rows, result = chosen(
        {
            "litellm": source_tables(one_price(key, 0.0)),  # the newest, but 0 is the map's "not known yet"
            "models_dev": source_tables(one_price(key, 2.5)),
        },
        {"litellm": info(20), "models_dev": info(1)},
    )
    assert (rows[key]["usd"], rows[key]["source"], rows[key]["rule"]) == (2.5, "models_dev", "zero_placeholder")
    flags = {s["source"]: s["flag"] for s in result.tables["price_disagreements"].to_pylist()[0]["statements"]}
    assert flags == {"litellm": "zero_placeholder", "models_dev": None}
    # a zero every source states is a free price
    rows, _ = chosen(
        {"litellm": source_tables(one_price(key, 0.0)), "models_dev": source_tables(one_price(key, 0.0))},
        {"litellm": info(20), "models_dev": info(1)},
    )
    assert (rows[key]["usd"], rows[key]["rule"]) == (0.0, "agreement")


def test_limits_and_capabilities_are_chosen_and_their_disagreements_kept():
    key = "openai/gpt-4o"
    sources = {
        "litellm": source_tables(
            route(key, limits={"context_window": 128000, "max_output_tokens": 16384},
                  capabilities={"vision": True, "web_search": None})
        ),
        "models_dev": source_tables(
            route(key, limits={"context_window": 128000, "max_output_tokens": 4096},
                  capabilities={"vision": True, "web_search": False})
        ),
        "genai_prices": source_tables(
            route(key, limits={"context_window": 128000, "max_output_tokens": 16384}, capabilities={"vision": False})
        ),
    }  # fmt: skip
    result = reconcile(sources, {"litellm": info(1), "models_dev": info(9), "genai_prices": info(5)})
    limits = {row["limit_name"]: row for row in result.tables["limit_provenance"].to_pylist()}
    assert (limits["context_window"]["value"], limits["context_window"]["rule"]) == (128000, "agreement")
    assert (limits["max_output_tokens"]["value"], limits["max_output_tokens"]["rule"]) == (16384, "agreement")
    assert limits["max_output_tokens"]["sources_agreeing"] == ["litellm", "genai_prices"]
    (limit,) = result.tables["limit_disagreements"].to_pylist()
    assert [(s["source"], s["value"]) for s in limit["statements"]] == [
        ("litellm", 16384),
        ("models_dev", 4096),
        ("genai_prices", 16384),
    ]
    capabilities = {row["capability"]: row for row in result.tables["capabilities"].to_pylist()}
    assert (capabilities["vision"]["supported"], capabilities["vision"]["rule"]) == (True, "agreement")
    # a capability a source does not state is no statement
    assert capabilities["web_search"]["sources_stating"] == ["models_dev"]
    assert (capabilities["web_search"]["supported"], capabilities["web_search"]["rule"]) == (False, "single_source")
    (capability,) = result.tables["capability_disagreements"].to_pylist()
    assert [(s["source"], s["supported"]) for s in capability["statements"]] == [
        ("litellm", True),
        ("models_dev", True),
        ("genai_prices", False),
    ]


def test_every_field_has_one_chosen_value_and_a_known_rule():
    keys = ["openrouter/openai/gpt-oss-20b", "deepinfra/gpt-oss-20b", "groq/openai/gpt-oss-20b"]
    sources = {
        name: source_tables(*[one_price(key, usd * (1 + i), output=usd * 4) for i, key in enumerate(keys)])
        for name, usd in (("litellm", 0.1), ("models_dev", 0.1), ("genai_prices", 0.12))
    }
    infos = {"litellm": info(1), "models_dev": MODELS_DEV, "genai_prices": info(3), "openrouter_api": OPENROUTER_API}
    result = reconcile(sources, infos)
    prices = result.tables["prices"]
    assert prices.num_rows == 6
    assert set(prices.column("rule").to_pylist()) <= set(RULES)
    stated = {(row["route_id"], row["price_kind"]) for row in prices.to_pylist()}
    assert len(stated) == 6
    assert result.stats["disagreements"]["price_disagreements"] == 6


def test_a_source_without_its_info_or_with_a_broken_table_is_named():
    tables = source_tables(one_price("groq/llama-3.1-8b-instant", 0.05))
    with pytest.raises(SourceError, match="source genai_prices: no SourceInfo"):
        reconcile({"litellm": tables, "genai_prices": tables}, {"litellm": info(1)})
    broken = {**tables, "prices": tables["prices"].drop_columns(["usd"])}
    with pytest.raises(SourceError, match="source genai_prices: table 'prices' does not fit"):
        reconcile({"litellm": tables, "genai_prices": broken}, {"litellm": info(1), "genai_prices": info(1)})
