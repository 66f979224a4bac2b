"""Issue 21 through the command line, one hostile map and one sync for every class: odd field names (a capability
flag upper case, with an empty suffix, a dash or markup; a top-level field named as the normalizer names a tier band's
or the off-peak block's fields; hidden code points and terminal escapes in a name), odd condition keys of a
dict-valued price (empty, blank, over-long, terminal escapes), a field repeated inside an entry, and an entry that is
null. Before the fix the first class failed a critical expectation of a whole table and nothing was published
(defect 2); now each is a reject naming source, entry and field, and the sync publishes the rest."""

import json
import re

import pytest
from bad_input.hostile_cli import GOOD, cli, query_json

from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # end to end: a hostile map synced through the command line

NULL_ENTRY = "openai/a-null-entry"
ALONE = ("--pricing-sources", "litellm")  # the map's own handling: no other source fills its gaps
# field -> the rule that rejects it (the field as the rejects table spells it: hidden code points made visible)
ODD_FIELDS = {
    "supports_Vision": ("supports_Vision", "capability_name_invalid"),
    "supports_": ("supports_", "capability_name_invalid"),
    "supports_web-search": ("supports_web-search", "capability_name_invalid"),
    "supports_<b>x</b>": ("supports_<b>x</b>", "capability_name_invalid"),
    "tiered_pricing[0].note": ("tiered_pricing[0].note", "field_name_reserved"),
    "off_peak_pricing.note": ("off_peak_pricing.note", "field_name_reserved"),
    "supports_vision\u200b": ("supports_vision<U+200B>", "field_name_invalid"),
    "note\u202ex": ("note<U+202E>x", "field_name_invalid"),
    "note\x1b[2J": ("note<U+001B>[2J", "field_name_invalid"),
}
ODD_CONDITIONS = {
    "": "search_context_cost_per_query.",
    " ": "search_context_cost_per_query. ",
    "x" * 65: "search_context_cost_per_query." + "x" * 65,
    "\x1b]2;pwned\x07": "search_context_cost_per_query.<U+001B>]2;pwned<U+0007>",
    "\x1b[2J": "search_context_cost_per_query.<U+001B>[2J",
    "low\ufeff": "search_context_cost_per_query.low<U+FEFF>",
}


def hostile_text(entries: dict) -> str:
    """Every odd field and condition key on GOOD, one of its fields written twice, and a null entry."""
    bad = {
        **entries[GOOD],
        **dict.fromkeys(ODD_FIELDS, True),
        "tiered_pricing": [{"range": [0, 1000], "input_cost_per_token": 2e-8, "note": "a band's field"}],
        "off_peak_pricing": {"windows": [], "note": "an off-peak field"},
        "search_context_cost_per_query": {
            **dict.fromkeys(ODD_CONDITIONS, 0.5),
            "search_context_size_low": 0.01,
        },
    }
    text = json.dumps({**entries, GOOD: bad, NULL_ENTRY: None})
    at = text.index(json.dumps(GOOD) + ": {") + len(json.dumps(GOOD)) + 3
    return text[:at] + '"output_cost_per_token": 9e-06, ' + text[at:]  # the last copy (GOOD's own) counts


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, medium_map):
    root = tmp_path_factory.mktemp("hostile-fields")
    good, bad = root / "good.json", root / "hostile.json"
    good.write_text(json.dumps(medium_map))
    bad.write_text(hostile_text(medium_map))
    warehouse = root / "wh"
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(good), "--quiet", *ALONE]) == 0
    before = Warehouse(warehouse).current_id()
    return warehouse, before, cli("sync", "--warehouse", str(warehouse), "--litellm", str(bad), *ALONE)


def test_defect_2_odd_field_names_and_condition_keys_are_per_field_rejects_and_the_sync_publishes(hostile):
    warehouse, before, done = hostile
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "published snapshot" in done.stdout
    current = Warehouse(warehouse).current_id()
    assert current != before and Warehouse(warehouse).verify(current) == []
    rows = query_json(warehouse, f"SELECT source, field, rule FROM rejects WHERE route_id = '{GOOD}'")
    found = {(r["field"], r["rule"]) for r in rows if r["source"] == "litellm"}
    for field, rule in ODD_FIELDS.values():
        assert (field, rule) in found, (field, rule, found)
    for field in ODD_CONDITIONS.values():
        assert (field, "condition_key_invalid") in found, (field, found)
    # the entry is published without them: the good condition key and the good fields are there
    assert query_json(warehouse, "SELECT count(*) AS n FROM routes") == [{"n": 400}]
    prices = query_json(
        warehouse, f"SELECT source_field, condition, usd FROM prices WHERE route_id = '{GOOD}' ORDER BY 1"
    )
    assert {r["condition"] for r in prices} == {None, "search_context_size_low", "tokens_0_to_1000"}
    extras = query_json(warehouse, f"SELECT field, value_json FROM extra_fields WHERE route_id = '{GOOD}'")
    assert {"field": "tiered_pricing[0].note", "value_json": '"a band\'s field"'} in extras
    assert {"field": "off_peak_pricing.note", "value_json": '"an off-peak field"'} in extras
    capabilities = query_json(warehouse, f"SELECT capability FROM capabilities WHERE route_id = '{GOOD}'")
    assert capabilities and all(re.fullmatch(r"[a-z0-9_]+", c["capability"]) for c in capabilities)


def test_defect_7_a_field_repeated_inside_an_entry_and_a_null_entry_are_recorded(hostile):
    warehouse, _, done = hostile
    assert done.returncode == 0, done.stderr
    (repeated,) = query_json(
        warehouse, "SELECT source, field, value, message, severity FROM rejects WHERE rule = 'duplicate_field'"
    )
    assert repeated["source"] == "litellm" and repeated["field"] == "output_cost_per_token"
    assert json.loads(repeated["value"]) == [9e-06, 1.4e-07] and repeated["severity"] == "warning"
    assert "the last copy (1.4e-07) is used" in repeated["message"]
    assert query_json(
        warehouse, f"SELECT usd FROM prices WHERE route_id = '{GOOD}' AND price_kind = 'output' AND tier = 'standard'"
    ) == [{"usd": 0.14}]
    assert query_json(warehouse, f"SELECT source, rule FROM rejects WHERE route_id = '{NULL_ENTRY}'") == [
        {"source": "litellm", "rule": "not_an_object"}
    ]
    # before, the repeated field was filed under its own name as if it were an entry of the map
    assert query_json(warehouse, "SELECT count(*) AS n FROM rejects WHERE route_id = 'output_cost_per_token'") == [
        {"n": 0}
    ]
