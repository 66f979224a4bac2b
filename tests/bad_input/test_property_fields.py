"""Property (issue 21, defects 2, 7, 12, 15): whatever odd field names, odd condition keys and repeated fields an
entry of the map holds, the real parser and normalizer give each one a reject naming the route and the field, the
rest of the entry is published, and the normalized tables keep what their critical expectations ask (one spelling of
a capability name, unique extra fields and prices, no hidden code point in a published name or condition).

Runs the parser and normalizer as plain functions (no sync): `ci` 200 examples, `long` 2,000, as
test_property_bad_input.py (`LLM_CATALOG_HYPOTHESIS=long`)."""

import json
import os
import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.litellm.payload import parse_payload
from llm_catalog.normalized.litellm.rows import storable
from llm_catalog.text import hidden_code_points, visible

ROUTE = "openai/gpt-4o-fields"
MAX_EXAMPLES = {"ci": 200, "long": 2000}[os.environ.get("LLM_CATALOG_HYPOTHESIS", "ci")]
BASE = {
    "litellm_provider": "openai",
    "mode": "chat",
    "input_cost_per_token": 1e-6,
    "output_cost_per_token": 2e-6,
    "supports_vision": True,
    "search_context_cost_per_query": {"search_context_size_low": 0.01},
    "tiered_pricing": [{"range": [0, 1000], "input_cost_per_token": 5e-7, "note": "a"}],
    "off_peak_pricing": {"windows": [], "input_cost_per_token": 5e-7, "note": "b"},
}
# the capabilities table's critical expectation (checks/suites.py)
CAPABILITY = re.compile(r"^[a-z0-9_]+\Z")

hidden = st.characters(categories=["Cc", "Cf", "Co", "Cn"])
escapes = st.sampled_from(["\x1b]2;pwned\x07", "\x1b[2J", "\x1b[31m", "\u202e", "\u200b", "\ufeff", "\ufdd0"])
odd_part = st.one_of(
    st.sampled_from(["", "Vision", "web-search", "<b>x</b>", "a b", "X", "-", "é", "a.b", "[0]"]),
    st.builds(lambda a, h, b: a + h + b, st.text("abc_", max_size=4), st.one_of(hidden, escapes), st.text("xyz")),
    st.text(max_size=12),
)
capability_name = odd_part.map(lambda s: "supports_" + s).filter(lambda n: not CAPABILITY.match(n[9:]))
# names the normalizer itself writes into extra_fields for the fields of a band and the off-peak block
collision_name = st.one_of(
    st.sampled_from(["tiered_pricing[0].note", "off_peak_pricing.note", "off_peak_pricing.windows"]),
    st.builds(lambda i, s: f"tiered_pricing[{i}].{s}", st.integers(0, 3), st.text("abn_ote", min_size=1)),
)
hidden_name = st.builds(lambda a, h, b: a + h + b, st.text("abc_", max_size=6), st.one_of(hidden, escapes), st.text())
odd_field = st.one_of(capability_name, collision_name, hidden_name)
odd_condition = st.one_of(
    st.sampled_from(["", " ", "\t", "a" * 65, "<b>", "low high", "-x"]),
    st.builds(lambda a, h: a + h, st.text("low_", max_size=6), st.one_of(hidden, escapes)),
)


def shown(name: str) -> set[str]:
    """How a reject's field may spell ``name``: as it is, with hidden code points made visible, or as stored."""
    return {name, visible(name), storable(name), storable(visible(name))}


def check_tables(tables, route: str) -> None:
    """What the critical expectations ask of the tables this test touches, plus: nothing hidden is published."""
    caps = tables["capabilities"].to_pylist()
    assert all(CAPABILITY.match(r["capability"]) for r in caps), caps
    assert max(Counter((r["route_id"], r["capability"]) for r in caps).values()) == 1
    extras = tables["extra_fields"].to_pylist()
    assert not extras or max(Counter((r["route_id"], r["field"]) for r in extras).values()) == 1, extras
    assert not any(hidden_code_points(r["field"]) for r in extras)
    prices = tables["prices"].to_pylist()
    keys = Counter((r["route_id"], r["price_kind"], r["tier"], r["condition"], r["unit"]) for r in prices)
    assert max(keys.values()) == 1
    assert all(r["condition"] is None or (r["condition"] and not hidden_code_points(r["condition"])) for r in prices)
    assert [r["route_id"] for r in tables["routes"].to_pylist()] == [route]


@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    fields=st.lists(odd_field, min_size=1, max_size=4, unique=True),
    conditions=st.lists(odd_condition, max_size=3, unique=True),
    repeated=st.booleans(),
)
def test_odd_fields_and_condition_keys_are_per_field_rejects_and_the_entry_is_published(fields, conditions, repeated):
    entry = {**BASE, **dict.fromkeys(fields, True)}
    entry["web_search_cost_per_query"] = {**{c: 0.01 for c in conditions}, "search_context_size_high": 0.02}
    text = json.dumps({ROUTE: entry})
    if repeated:  # a field twice inside the entry: the first copy written before the rest
        text = text.replace('{"litellm_provider"', '{"input_cost_per_token": 9e-6, "litellm_provider"', 1)
    entries, duplicates = parse_payload(text.encode("utf-8", "surrogatepass"))
    tables = normalize(entries, duplicates=duplicates, provider_names={}).tables
    check_tables(tables, ROUTE)
    rejects = tables["rejects"].to_pylist()
    assert all(r["route_id"] == ROUTE for r in rejects), rejects
    errors = {r["field"] for r in rejects if r["severity"] == "error"}
    for name in fields:
        assert shown(name) & errors, (name, errors)
    for key in conditions:
        assert shown(f"web_search_cost_per_query.{key}") & errors, (key, errors)
    assert all(r["message"] for r in rejects)
    prices = {(r["source_field"], r["usd"]) for r in tables["prices"].to_pylist()}
    assert ("web_search_cost_per_query.search_context_size_high", 0.02) in prices  # the good key of the same field
    assert ("input_cost_per_token", 1.0) in prices  # the last copy, when repeated
    warned = [r for r in rejects if r["rule"] == "duplicate_field"]
    assert [(r["field"], json.loads(r["value"])) for r in warned] == (
        [("input_cost_per_token", [9e-6, 1e-6])] if repeated else []
    )
