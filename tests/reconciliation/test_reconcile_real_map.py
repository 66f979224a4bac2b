"""The bundled LiteLLM map reconciled against a copy of itself with one price 1000x: every route matched under its
own id, the slipped price outvoted, nothing else disagreeing, and the whole in seconds."""

import time

import pyarrow as pa
import pyarrow.compute as pc
from handmade_sources import info

from llm_catalog.reconciliation.reconcile import reconcile


def test_the_bundled_map_against_a_copy_with_one_unit_slip(bundled_normalized):
    tables = bundled_normalized.tables
    prices = tables["prices"]
    slipped = pc.and_(pc.equal(prices["route_id"], "gpt-4o"), pc.equal(prices["price_kind"], "input"))
    slipped = pc.and_(slipped, pc.equal(prices["tier"], "standard"))
    assert pc.sum(slipped).as_py() == 1
    usd = pc.if_else(slipped, pc.multiply(prices["usd"], 1000), prices["usd"])
    copy = {**tables, "prices": prices.set_column(prices.schema.get_field_index("usd"), "usd", usd)}
    start = time.perf_counter()
    result = reconcile({"litellm": tables, "copy": copy}, {"litellm": info(1), "copy": info(2)})
    seconds = time.perf_counter() - start
    routes = tables["routes"].num_rows
    assert result.stats["sources"] == {
        "litellm": {"routes": routes, "own_id": routes},
        "copy": {"routes": routes, "same_model": routes},
    }
    pairs = result.tables["route_sources"].filter(pc.equal(result.tables["route_sources"]["source"], "copy"))
    assert pc.all(pc.equal(pairs["route_id"], pairs["source_route_id"])).as_py()
    assert result.tables["prices"].num_rows == prices.num_rows
    (disagreement,) = result.tables["price_disagreements"].to_pylist()
    assert (disagreement["route_id"], disagreement["usd"], disagreement["rule"]) == ("gpt-4o", 2.5, "unit_slip")
    assert [(s["source"], s["usd"], s["flag"]) for s in disagreement["statements"]] == [
        ("litellm", 2.5, None),
        ("copy", 2500.0, "unit_slip"),
    ]
    assert result.tables["limit_disagreements"].num_rows == result.tables["capability_disagreements"].num_rows == 0
    # every stated limit and capability is chosen, with both sources agreeing
    stated_limits = sum(pc.count(tables["limits"][name]).as_py() for name in tables["limits"].column_names[1:])
    assert result.tables["limit_provenance"].num_rows == stated_limits
    assert pc.all(pc.equal(pc.list_value_length(result.tables["limit_provenance"]["sources_agreeing"]), 2)).as_py()
    assert result.tables["routes"].column("sources").type == pa.list_(pa.string())
    assert seconds < 30, f"{seconds:.1f}s for {routes} routes x 2 sources"
