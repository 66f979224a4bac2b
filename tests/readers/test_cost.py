"""Pricing a workload (llm_catalog.readers.cost): each rule on hand-made terms, properties over any terms and
workload, and the real bundled snapshot: llama-3.3-70b's routes ranked, each quote made of its own `prices` rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_catalog.readers import snapshot
from llm_catalog.readers.cost import Workload, decimal_text, money, parse_tokens, price, price_model, route_terms
from llm_catalog.warehouse.store import Warehouse

PRICE_KEYS = ("input", "output", "cache_read", "batch_input", "batch_output", "batch_cache_read")


def make_terms(tiers=(), reasoning=None, unpriceable=None, **prices) -> dict:
    """Terms as route_terms gives them: every price None unless given."""
    return {
        "route_id": "acme/model-x",
        "provider": "acme",
        "provider_name": "Acme",
        "base_model": "model-x",
        "mode": "chat",
        **{key: prices.get(key) for key in PRICE_KEYS},
        "tiers": [{"above": t["above"], **{key: t.get(key) for key in PRICE_KEYS}} for t in tiers],
        "reasoning": reasoning,
        "unpriceable": unpriceable,
    }


def amounts(quote) -> list[str]:
    return [line["amount"] for line in quote["lines"]]


def test_a_price_is_applied_exactly():
    quote = price(make_terms(input="0.7271", output="2"), Workload(1_000_000, 0))
    assert quote["ok"] and quote["total"] == "0.7271" and quote["per_month"] == "0.7271"
    # a month's workload per day is the month / 30, rounded to a millionth of a dollar (0.0242366... -> 0.024237)
    assert quote["per_day"] == "0.024237"
    assert quote["lines"] == [
        {"part": "uncached input", "tokens": 1_000_000, "usd_per_1m": "0.7271", "amount": "0.7271"}
    ]
    three = price(make_terms(input="0.1", output="0.2"), Workload(1_000_000, 1_000_000, per="day"))
    assert (
        three["total"] == "0.3" and three["per_day"] == "0.3" and three["per_month"] == "9"
    )  # not 0.30000000000000004


def test_cached_tokens_and_a_day_of_a_month_round_half_to_even():
    terms = make_terms(input="1", cache_read="1")
    assert [line["tokens"] for line in price(terms, Workload(5, 0, Decimal("0.5")))["lines"]] == [3, 2]  # 2.5 -> 2
    assert [line["tokens"] for line in price(terms, Workload(7, 0, Decimal("0.5")))["lines"]] == [3, 4]  # 3.5 -> 4
    # a month of $0.000075 is $0.0000025 a day: a tie at a millionth, to the even $0.000002
    assert price(terms, Workload(75, 0))["per_day"] == "0.000002"
    assert price(terms, Workload(105, 0))["per_day"] == "0.000004"  # 0.0000035 -> 0.000004


def test_money_shows_two_decimals_at_least_and_never_a_minus():
    assert money("0.105") == "$0.105"
    assert money("12") == "$12.00"
    assert money("0") == "$0.00"
    assert money("1234567.5") == "$1,234,567.50"
    assert money("0.0000") == "$0.00"


def test_a_cached_share_splits_the_input_and_uses_the_cache_read_price():
    terms = make_terms(input="1.25", output="10", cache_read="0.125")
    quote = price(terms, Workload(1_000_000, 200_000, Decimal("0.3"), per="day"))
    assert [(line["part"], line["tokens"], line["usd_per_1m"]) for line in quote["lines"]] == [
        ("uncached input", 700_000, "1.25"),
        ("cached input", 300_000, "0.125"),
        ("output", 200_000, "10"),
    ]
    assert amounts(quote) == ["0.875", "0.0375", "2"]
    assert quote["total"] == "2.9125" and quote["per_month"] == "87.375"


def test_a_cached_share_without_a_cache_read_price_is_refused():
    quote = price(make_terms(input="1", output="2"), Workload(1_000_000, 1, Decimal("0.3")))
    assert quote == {
        "ok": False,
        "route_id": "acme/model-x",
        "missing": ["cache_read"],
        "reason": "acme/model-x cannot price this workload: no cache_read price",
    }
    # all of the input cached: no uncached input, so no input price is needed
    assert price(make_terms(output="2", cache_read="0.5"), Workload(10, 0, Decimal(1)))["total"] == "0.000005"


def test_batch_uses_the_batch_prices_and_refuses_without_them():
    terms = make_terms(input="1", output="4", batch_input="0.5", batch_output="2")
    quote = price(terms, Workload(2_000_000, 1_000_000, batch=True))
    assert [line["usd_per_1m"] for line in quote["lines"]] == ["0.5", "2"]
    assert quote["total"] == "3" and "batch prices used" in quote["notes"]
    refused = price(make_terms(input="1", output="4"), Workload(1, 1, batch=True))
    assert not refused["ok"] and refused["missing"] == ["batch_input", "batch_output"]
    assert "acme/model-x" in refused["reason"] and "batch_input, batch_output" in refused["reason"]


def test_output_without_an_output_price_is_refused_and_none_needs_none():
    assert price(make_terms(input="0.02"), Workload(1_000_000, 5))["missing"] == ["output"]
    embedding = price(make_terms(input="0.02"), Workload(1_000_000, 0))
    assert (
        embedding["ok"]
        and embedding["total"] == "0.02"
        and [line["part"] for line in embedding["lines"]] == ["uncached input"]
    )


def test_a_route_priced_per_second_cannot_price_tokens():
    terms = make_terms(output="1", unpriceable="input is priced per second")
    quote = price(terms, Workload(0, 0))
    assert not quote["ok"] and quote["missing"] == ["input"]
    assert quote["reason"] == "acme/model-x cannot price tokens: input is priced per second"


TIERED = make_terms(
    input="1.25",
    output="10",
    cache_read="0.125",
    tiers=[
        {"above": 200_000, "input": "2.5", "output": "15", "cache_read": "0.25"},
        {"above": 1_000_000, "input": "5", "output": "30"},
    ],
)


def test_without_a_prompt_size_the_base_tier_is_assumed_and_the_tier_above_quoted():
    quote = price(TIERED, Workload(1_000_000, 1_000_000))
    assert quote["total"] == "11.25"
    assert quote["notes"] == ["assumes prompts up to 200K tokens (tier above: $17.50)"]


def test_the_prompt_size_picks_the_highest_tier_it_is_above():
    at_edge = price(TIERED, Workload(1_000_000, 0, prompt_tokens=200_000))
    assert at_edge["total"] == "1.25"
    assert at_edge["notes"] == ["prompts of 200K tokens: base prices (they change above 200K tokens)"]
    above = price(TIERED, Workload(1_000_000, 1_000_000, prompt_tokens=200_001))
    assert [line["usd_per_1m"] for line in above["lines"]] == ["2.5", "15"]
    assert above["notes"] == ["prompts of 200,001 tokens: prices above 200K tokens used"]
    highest = price(TIERED, Workload(1_000_000, 1_000_000, prompt_tokens=1_500_000))
    assert highest["total"] == "35"


def test_a_tier_without_a_price_the_workload_needs_is_refused_not_filled_from_the_base():
    quote = price(TIERED, Workload(1_000_000, 0, Decimal("0.5"), prompt_tokens=2_000_000))
    assert quote["missing"] == ["cache_read"]
    assert quote["reason"].endswith("no cache_read price for prompts above 1M tokens")
    note = price(TIERED | {"tiers": TIERED["tiers"][1:]}, Workload(10, 0, Decimal("0.5")))["notes"]
    assert note == ["assumes prompts up to 1M tokens (tier above: not priced, no cache_read price)"]


def test_a_reasoning_price_is_said_not_applied():
    quote = price(make_terms(input="1", output="2", reasoning="3.5"), Workload(0, 1_000_000))
    assert quote["total"] == "2"
    assert quote["notes"] == ["a reasoning-token price is stated ($3.50 per 1M), not applied"]


@pytest.mark.parametrize(
    "arguments",
    [
        {"input_tokens": -1, "output_tokens": 0},
        {"input_tokens": 1, "output_tokens": 1.5},
        {"input_tokens": 1, "output_tokens": 0, "cached_share": Decimal("1.01")},
        {"input_tokens": 1, "output_tokens": 0, "cached_share": Decimal("-0.1")},
        {"input_tokens": 1, "output_tokens": 0, "per": "week"},
        {"input_tokens": 1, "output_tokens": 0, "prompt_tokens": 0},
    ],
)
def test_a_workload_that_is_no_workload_is_refused(arguments):
    with pytest.raises(ValueError):
        Workload(**arguments)


def test_token_counts_are_read_as_people_write_them():
    assert [parse_tokens(t) for t in ("1M", "200K", "1_000_000", "1,000,000", "1.5m", "2B", " 42 ")] == [
        1_000_000,
        200_000,
        1_000_000,
        1_000_000,
        1_500_000,
        2_000_000_000,
        42,
    ]
    for bad in ("-1", "1.5", "1e6", "", "M", "0.0001K"):
        with pytest.raises(ValueError):
            parse_tokens(bad)


# a price per 1M tokens as a decimal string with 0 to 9 decimals (a published price's shortest repr), or none stated
PRICES = st.one_of(
    st.none(),
    st.integers(0, 9).flatmap(lambda places: st.decimals(0, 1000, places=places)).map(lambda d: decimal_text(d)),
)


@st.composite
def any_terms(draw) -> dict:
    aboves = sorted(draw(st.sets(st.integers(1, 2_000_000), max_size=3)))
    tiers = [{"above": above, **{key: draw(PRICES) for key in PRICE_KEYS}} for above in aboves]
    prices = {key: draw(PRICES) for key in PRICE_KEYS}
    return make_terms(tiers=tiers, reasoning=draw(PRICES), **prices)


TOKENS = st.one_of(st.integers(0, 20), st.integers(0, 10**15))  # small counts make rounding ties likely
WORKLOADS = st.builds(
    Workload,
    TOKENS,
    TOKENS,
    st.one_of(st.sampled_from([Decimal("0.5"), Decimal("0.25"), Decimal(1)]), st.decimals(0, 1, places=4)),
    st.booleans(),
    st.sampled_from(("day", "month")),
    st.one_of(st.none(), st.integers(1, 3_000_000)),
)


@settings(max_examples=300, deadline=None)
@given(any_terms(), WORKLOADS)
def test_a_quote_adds_up_is_never_negative_and_a_refusal_names_a_missing_price(terms, workload):
    quote = price(terms, workload)
    if quote["ok"]:
        assert Decimal(quote["total"]) == sum((Decimal(a) for a in amounts(quote)), Decimal(0))
        for figure in [quote["total"], quote["per_day"], quote["per_month"], *amounts(quote)]:
            assert not figure.startswith("-") and "E" not in figure.upper() and Decimal(figure) >= 0
        assert sum(line["tokens"] for line in quote["lines"]) == workload.input_tokens + workload.output_tokens
        if workload.per == "day":
            assert Decimal(quote["per_month"]) == 30 * Decimal(quote["total"])
        for line in quote["lines"]:
            assert Decimal(line["amount"]) == line["tokens"] * Decimal(line["usd_per_1m"]) / 1_000_000
    else:
        assert quote["missing"]
        tier = [t for t in terms["tiers"] if workload.prompt_tokens and workload.prompt_tokens > t["above"]]
        rates = tier[-1] if tier else terms
        for name in quote["missing"]:
            assert rates[name] is None and name.removeprefix("batch_") in ("input", "output", "cache_read")
            assert name.startswith("batch_") == workload.batch
            assert name in quote["reason"] and terms["route_id"] in quote["reason"]


def stated_prices(con, route_id: str) -> dict[str, float]:
    """The route's base standard prices per 1M tokens, straight from the published `prices` table."""
    rows = con.execute(
        "SELECT price_kind, usd FROM prices WHERE route_id = ? AND tier = 'standard' AND condition IS NULL "
        "AND unit = 'usd_per_1m_tokens' AND price_kind IN ('input', 'output', 'cache_read')",
        [route_id],
    ).fetchall()
    return dict(rows)


def test_the_routes_of_llama_3_3_70b_are_ranked_from_their_own_prices(synced_warehouse):
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    routes = {
        r[0]
        for r in con.execute(
            "SELECT route_id FROM routes WHERE base_model = 'llama-3.3-70b' "
            "AND (duplicate_of IS NULL OR duplicate_of = route_id)"
        ).fetchall()
    }
    assert len(routes) >= 20
    kind_of = {"uncached input": "input", "cached input": "cache_read", "output": "output"}
    for workload in (Workload(1_000_000, 200_000, per="day"), Workload(1_000_000, 200_000, Decimal("0.3"))):
        quotes = price_model(con, "llama-3.3-70b", workload)
        assert {q["route_id"] for q in quotes} == routes
        priced = [q for q in quotes if q["ok"]]
        assert priced and quotes[: len(priced)] == priced  # refused ones come after every priced one
        totals = [Decimal(q["total"]) for q in priced]
        assert totals == sorted(totals)
        for quote in quotes:
            stated = stated_prices(con, quote["route_id"])
            if quote["ok"]:
                for line in quote["lines"]:
                    assert float(line["usd_per_1m"]) == stated[kind_of[line["part"]]]
                expected = sum(
                    Decimal(repr(stated[kind_of[line["part"]]])) * line["tokens"] / 1_000_000 for line in quote["lines"]
                )
                assert Decimal(quote["total"]) == expected
            else:
                assert quote["reason"].startswith(quote["route_id"])
                assert all(name not in stated for name in quote["missing"])
    cached = price_model(con, "llama-3.3-70b", Workload(1_000_000, 200_000, Decimal("0.3")))
    refused = {q["route_id"] for q in cached if not q["ok"]}
    assert refused == {r for r in routes if "cache_read" not in stated_prices(con, r)}


def test_route_terms_carry_the_tiers_and_units_of_the_published_prices(synced_warehouse):
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    tiered = con.execute(
        "SELECT route_id, usd FROM prices WHERE price_kind = 'input' AND tier = 'standard' "
        "AND condition = 'above_200k_tokens' AND unit = 'usd_per_1m_tokens' ORDER BY route_id LIMIT 1"
    ).fetchone()
    per_second = con.execute(
        "SELECT route_id FROM prices WHERE price_kind = 'input' AND unit = 'usd_per_second' AND route_id NOT IN "
        "(SELECT route_id FROM prices WHERE price_kind = 'input' AND unit = 'usd_per_1m_tokens') ORDER BY 1 LIMIT 1"
    ).fetchone()
    terms = route_terms(con, [tiered[0], per_second[0]])
    first_tier = terms[tiered[0]]["tiers"][0]
    assert first_tier["above"] == 200_000 and Decimal(first_tier["input"]) == Decimal(repr(tiered[1]))
    assert terms[per_second[0]]["unpriceable"] == "input is priced per second"
    assert not price(terms[per_second[0]], Workload(1, 0))["ok"]
