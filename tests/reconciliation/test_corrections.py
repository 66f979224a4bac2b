"""Corrections apart from changes: a chosen price that moved because the source that changed moved to agree with the
others is a correction; a move the others had not stated before is a price change."""

from handmade_sources import info, route, source_tables

from llm_catalog.reconciliation.corrections import price_corrections
from llm_catalog.reconciliation.reconcile import reconcile

KEY = "groq/llama-3.3-70b-versatile"


def snapshot(day: int, **usd_by_source: float) -> dict:
    sources = {
        name: source_tables(route(KEY, prices={"input": usd, "output": 0.79})) for name, usd in usd_by_source.items()
    }
    return reconcile(sources, {name: info(day + i) for i, name in enumerate(usd_by_source)}).tables


def moves(previous: dict, current: dict) -> list[tuple]:
    return [
        (row["price_kind"], row["old_usd"], row["new_usd"], row["change"], row["moved_sources"])
        for row in price_corrections(previous, current).to_pylist()
    ]


def test_a_source_that_moves_to_agree_with_the_others_is_a_correction():
    # before: LiteLLM, the newest, alone at 0.69 (recency); after: it states 0.59 as the others did
    before = snapshot(1, models_dev=0.59, litellm=0.69)
    after = snapshot(1, models_dev=0.59, litellm=0.59)
    assert before["prices"].to_pylist()[0]["usd"] == 0.69
    assert moves(before, after) == [("input", 0.69, 0.59, "correction", ["litellm"])]


def test_a_price_the_others_had_not_stated_before_is_a_price_change():
    before = snapshot(1, models_dev=0.59, litellm=0.59)
    after = snapshot(1, models_dev=0.59, litellm=0.49)  # litellm, the newest, moves alone
    assert moves(before, after) == [("input", 0.59, 0.49, "price", ["litellm"])]
    # every source moves together to a new price: a price change too
    after = snapshot(1, models_dev=0.49, litellm=0.49)
    assert moves(before, after) == [("input", 0.59, 0.49, "price", ["litellm", "models_dev"])]


def test_the_others_stating_the_new_price_before_is_read_from_the_disagreements():
    # three sources: two agree on 0.59 against the newest's 0.69, so agreement keeps 0.59 and the lone source's
    # correction changes nothing chosen
    before = snapshot(1, models_dev=0.59, genai_prices=0.59, litellm=0.69)
    after = snapshot(1, models_dev=0.59, genai_prices=0.59, litellm=0.59)
    assert moves(before, after) == []
    # a source that had no statement before and now states what another source stated already moves the chosen
    # price: the price did not change, the catalog's belief was corrected
    before = snapshot(1, models_dev=0.59, litellm=0.69)
    after = snapshot(1, models_dev=0.59, litellm=0.69, genai_prices=0.59)
    assert moves(before, after) == [("input", 0.69, 0.59, "correction", ["genai_prices"])]
