"""Meaning-level warnings (sql/checks/anomalies) and whole-source guards, on the real map with known edits."""

import copy

import pytest

from assets.resources import CatalogSettings
from llm_catalog.checks.guards import anomalies, price_change_guard, reject_share_guard, route_count_guard
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.price_fields import parse_price_field


@pytest.fixture(scope="module")
def before(bundled_map):
    return normalize(bundled_map).tables


def edited(bundled_map, edit):
    raw = copy.deepcopy(bundled_map)
    edit(raw)
    return normalize(raw).tables


def rules_for(found, route_id):
    return {r["rule"]: r for r in found.to_pylist() if r["route_id"] == route_id}


def test_the_real_map_alone_raises_only_cross_route_warnings(before):
    found = anomalies(before, None).to_pylist()
    assert found and {r["rule"] for r in found} <= {"price_outlier", "input_above_output"}
    assert all(r["severity"] == "warning" for r in found)
    assert "openinfer/@oi/Qwen3.5-9B" in {r["route_id"] for r in found}  # input 5.0 vs 0.135 elsewhere


def test_a_per_token_price_entered_1000x_too_high(bundled_map, before):
    after = edited(bundled_map, lambda m: m["deepinfra/openai/gpt-oss-20b"].update(input_cost_per_token=3e-05))
    rules = rules_for(anomalies(after, before), "deepinfra/openai/gpt-oss-20b")
    assert {"price_jump", "price_outlier", "input_above_output"} == set(rules)
    assert "from 0.03 to 30.0" in rules["price_jump"]["message"] and "1000.0x" in rules["price_jump"]["message"]
    assert "base model gpt-oss-20b" in rules["price_outlier"]["message"]


def test_a_per_token_price_entered_100000x_too_high_is_left_out(bundled_map):
    """$3,000 per 1M tokens is past the plausible $1,000: a per-field reject, the route published without it."""
    after = edited(bundled_map, lambda m: m["deepinfra/openai/gpt-oss-20b"].update(input_cost_per_token=3e-03))
    rejects = rules_for(after["rejects"], "deepinfra/openai/gpt-oss-20b")
    assert rejects["price_implausible"]["field"] == "input_cost_per_token"
    assert rejects["price_implausible"]["message"] == "3000 usd_per_1m_tokens is above the plausible 1,000"
    prices = [p for p in after["prices"].to_pylist() if p["route_id"] == "deepinfra/openai/gpt-oss-20b"]
    assert [p["price_kind"] for p in prices] == ["output"]


def test_swapped_input_and_output(bundled_map, before):
    def swap(m):
        e = m["groq/openai/gpt-oss-20b"]
        e["input_cost_per_token"], e["output_cost_per_token"] = e["output_cost_per_token"], e["input_cost_per_token"]

    rules = rules_for(anomalies(edited(bundled_map, swap), before), "groq/openai/gpt-oss-20b")
    assert "prices_swapped" in rules and "input_above_output" in rules


def test_a_base_model_that_moved(before):
    routes = before["routes"]
    index = routes.column("route_id").to_pylist().index("deepinfra/openai/gpt-oss-20b")
    base = routes.column("base_model").to_pylist()
    base[index] = "gpt-oss-120b"
    moved = {
        "routes": routes.set_column(routes.schema.get_field_index("base_model"), "base_model", [base]),
        "prices": before["prices"],
    }
    rules = rules_for(anomalies(moved, before), "deepinfra/openai/gpt-oss-20b")
    assert rules["base_model_changed"]["message"] == "base model changed from gpt-oss-20b to gpt-oss-120b"


def test_route_count_guard():
    assert route_count_guard(4876, None, max_drop=0.1, accept=False).passed
    assert route_count_guard(4500, 4876, max_drop=0.1, accept=False).passed  # 7.7%
    blocked = route_count_guard(4000, 4876, max_drop=0.1, accept=False)
    assert not blocked.passed and "fell from 4876 to 4000 (18.0%, limit 10%)" in blocked.description
    assert "--accept-drop" in blocked.description
    accepted = route_count_guard(4000, 4876, max_drop=0.1, accept=True)
    assert accepted.passed and "accepted" in accepted.description


def test_price_change_guard(bundled_map, before):
    def double_everything(m):
        for entry in m.values():
            for name, value in entry.items() if isinstance(entry, dict) else []:
                if parse_price_field(name) and isinstance(value, float):
                    entry[name] = value * 2

    after = edited(bundled_map, double_everything)
    guard = price_change_guard(after, before, max_share=0.5, accept=False)
    assert not guard.passed and "prices changed at once" in guard.description
    assert price_change_guard(after, before, max_share=0.5, accept=True).passed
    assert price_change_guard(before, before, max_share=0.5, accept=False).metadata["changed"] == 0


MAX_SHARE = CatalogSettings().max_reject_share  # the default the sync uses


def guard(tables, source="litellm (x.json)"):
    return reject_share_guard(tables["rejects"], tables["routes"].num_rows, source=source, max_share=MAX_SHARE)


def test_reject_share_guard_passes_the_real_map(before):
    """The bundled map has zero limits (moderation, vercel's embeddings) and dear prices: none is an error now."""
    real = guard(before)
    assert real.passed
    assert (real.metadata["entries_left_out"], real.metadata["entries_with_field_errors"]) == (0, 0)
    assert real.metadata["entries"] == before["routes"].num_rows + 2  # sample_spec and a block of routing rules


def test_one_bad_field_is_a_per_field_reject_on_a_published_map(bundled_map):
    after = edited(bundled_map, lambda m: m["deepinfra/openai/gpt-oss-20b"].update(max_output_tokens=-1))
    passed = guard(after)
    assert passed.passed and passed.metadata["entries_with_field_errors"] == 1
    assert "(0 left out, 1 published without a bad field)" in passed.description
    (row,) = [r for r in after["rejects"].to_pylist() if r["severity"] == "error"]
    assert (row["route_id"], row["field"], row["rule"]) == (
        "deepinfra/openai/gpt-oss-20b",
        "max_output_tokens",
        "limit_negative",
    )
    assert "deepinfra/openai/gpt-oss-20b" in after["routes"].column("route_id").to_pylist()


def test_a_broadly_broken_map_is_refused_naming_source_entry_and_field(bundled_map):
    """One entry in ten with a field that is truly wrong: twice the limit, nothing is published."""

    def break_every_tenth(m):
        for i, entry in enumerate(v for v in m.values() if isinstance(v, dict) and "litellm_provider" in v):
            if i % 10 == 0:
                entry["input_cost_per_token"] = "free"

    refused = guard(edited(bundled_map, break_every_tenth))
    assert not refused.passed
    share = refused.metadata["share"]
    assert 0.09 < share < 0.11 and refused.metadata["entries_left_out"] == 0
    assert refused.description.startswith("source litellm (x.json): ")
    assert (
        f"({share:.1%}) have errors" in refused.description
        and "over the 5% limit; nothing is published" in refused.description
    )
    assert "field 'input_cost_per_token': a price must be a number, got str (value \"free\")" in refused.description
    assert "First: entry '" in refused.description


def test_entries_left_out_count_as_broken_too(bundled_map):
    def drop_every_tenth(m):
        for i, key in enumerate([k for k, v in m.items() if isinstance(v, dict) and "litellm_provider" in v]):
            if i % 10 == 0:
                m[key] = {**m[key], "litellm_provider": "not a provider"}

    refused = guard(edited(bundled_map, drop_every_tenth))
    assert not refused.passed and refused.metadata["entries_with_field_errors"] == 0
    left_out = refused.metadata["entries_left_out"]
    assert left_out > 400 and f"({left_out} left out, 0 published without a bad field)" in refused.description
    assert "field 'litellm_provider': litellm_provider is not a provider id" in refused.description
