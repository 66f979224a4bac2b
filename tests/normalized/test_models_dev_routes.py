"""models.dev's served models as routes: the bundled SQLite end to end, and hand-made hostile rows in a copy of its
schema."""

from __future__ import annotations

import csv
import sqlite3

import pytest

from llm_catalog import schemas
from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.models_dev_routes import (
    PROVIDER_NAMES_CSV,
    context_condition,
    load_provider_map,
    normalize_bundled,
    normalize_models_dev,
)
from llm_catalog.paths import BUNDLED_MODELSDEV_DB, PROVIDERS_CSV
from llm_catalog.sources.fetch import read_location


@pytest.fixture(scope="module")
def bundled_db() -> bytes:
    return read_location(BUNDLED_MODELSDEV_DB, source="models_dev_routes")


@pytest.fixture(scope="module")
def bundled(bundled_db):
    return normalize_models_dev(bundled_db)


def _rows(normalized, table, route_id):
    return [r for r in normalized.tables[table].to_pylist() if r["route_id"] == route_id]


def _prices(normalized, route_id):
    return {(r["price_kind"], r["tier"], r["condition"]): r["usd"] for r in _rows(normalized, "prices", route_id)}


def test_every_model_is_one_route_and_every_row_casts(bundled, bundled_db):
    con = sqlite3.connect(":memory:")
    con.deserialize(bundled_db)
    models = con.execute("SELECT count(*) FROM models").fetchone()[0]
    priced = con.execute("SELECT count(DISTINCT model_full_id) FROM pricing").fetchone()[0]
    con.close()
    for name, table in bundled.tables.items():
        assert table.cast(schemas.NORMALIZED[name]).num_rows == table.num_rows
    route_ids = bundled.tables["routes"]["route_id"].to_pylist()
    assert len(route_ids) == len(set(route_ids)) == models > 6_500
    assert bundled.tables["limits"].num_rows == models
    assert bundled.stats["routes"] == models and bundled.stats["entries_left_out"] == 0
    assert len(set(bundled.tables["prices"]["route_id"].to_pylist())) == priced
    keys = [
        (r["route_id"], r["price_kind"], r["tier"], r["condition"], r["unit"])
        for r in bundled.tables["prices"].to_pylist()
    ]
    assert len(keys) == len(set(keys))
    # the real data breaks no rule: its only rejects are warnings, the zero limits of media models and pdf output
    assert set(bundled.stats["rejects_by_rule"]) == {"limit_zero (warning)", "modality_unknown (warning)"}
    unknown = [r for r in bundled.tables["rejects"].to_pylist() if r["rule"] == "modality_unknown"]
    assert unknown and all(r["field"] == "modalities.output" and "pdf" in r["message"] for r in unknown)


def test_the_reference_route_comes_out_as_the_source_states_it(bundled):
    route_id = "openrouter/openai/gpt-oss-20b"
    (route,) = _rows(bundled, "routes", route_id)
    assert (route["provider"], route["provider_name"], route["model"]) == (
        "openrouter",
        "OpenRouter",
        "openai/gpt-oss-20b",
    )
    assert (route["base_model"], route["family"]) == ("gpt-oss-20b", "gpt-oss")
    assert route["input_modalities"] == ["text"] and route["output_modalities"] == ["text"] and route["mode"] is None
    assert _prices(bundled, route_id) == {
        ("input", "standard", None): 0.03,
        ("output", "standard", None): 0.13,
        ("cache_read", "standard", None): 0.03,
    }
    assert {r["source_field"] for r in _rows(bundled, "prices", route_id)} == {
        "cost_input",
        "cost_output",
        "cost_cache_read",
    }
    (limits,) = _rows(bundled, "limits", route_id)
    assert (limits["context_window"], limits["max_output_tokens"], limits["max_input_tokens"]) == (131072, 131072, None)
    capabilities = {r["capability"]: r["supported"] for r in _rows(bundled, "capabilities", route_id)}
    assert capabilities["function_calling"] and capabilities["reasoning"] and capabilities["response_schema"]
    assert capabilities["vision"] is False and capabilities["attachment"] is False
    assert capabilities["prompt_caching"] is None  # models.dev does not say: unknown, not false


def test_context_tiers_and_modes_are_conditions_and_tiers(bundled):
    prices = _prices(bundled, "302ai/claude-opus-4-7")
    assert prices[("input", "standard", "above_200k_tokens")] == 10.0
    assert prices[("output", "standard", "above_200k_tokens")] == 37.5
    assert ("input", "standard", None) in prices
    sources = {r["source_field"] for r in _rows(bundled, "prices", "302ai/claude-opus-4-7")}
    assert "pricing[min_context=200000].cost_input" in sources
    fast = _prices(bundled, "anthropic/claude-opus-4-8")
    assert fast[("input", "fast", None)] == 10.0 and fast[("output", "fast", None)] == 50.0
    assert fast[("input", "standard", None)] < fast[("input", "fast", None)]
    conditions = set(bundled.tables["prices"]["condition"].to_pylist())
    assert conditions == {None, "above_200k_tokens"}
    assert set(bundled.tables["prices"]["tier"].to_pylist()) == {"standard", "fast"}
    assert context_condition(200_000) == "above_200k_tokens" and context_condition(131_072) == "above_131072_tokens"


def test_providers_map_onto_the_catalogs_ids(bundled):
    providers = set(bundled.tables["routes"]["provider"].to_pylist())
    assert {"bedrock", "gemini", "vertex_ai", "openrouter", "deepinfra", "together_ai", "fireworks_ai"} <= providers
    assert not {"amazon-bedrock", "google", "google-vertex", "togetherai", "fireworks-ai"} & providers
    assert "302ai" in providers  # no catalog id: the source's own, lower-cased
    stats = bundled.stats
    assert stats["providers_mapped"] + stats["providers_unmapped"] == stats["providers"] > 180
    assert stats["providers_mapped"] == len(load_provider_map())
    assert "302ai" in stats["unmapped_providers"] and "openrouter" not in stats["unmapped_providers"]
    assert _rows(bundled, "routes", "bedrock/anthropic.claude-opus-4-6-v1")[0]["provider_name"] == "Amazon Bedrock"
    assert _rows(bundled, "routes", "302ai/gpt-5.4")[0]["provider_name"] == "302.AI"  # models.dev's own name


def test_the_mapping_csv_names_only_catalog_providers():
    with open(PROVIDERS_CSV, newline="") as handle:
        catalog = {row["provider"] for row in csv.DictReader(handle)}
    with open(PROVIDER_NAMES_CSV, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and set(rows[0]) == {"source_provider", "provider"}
    assert {r["provider"] for r in rows} <= catalog
    sources = [r["source_provider"] for r in rows]
    assert len(sources) == len(set(sources))
    targets = [r["provider"] for r in rows]
    assert len(targets) == len(set(targets))  # one models.dev provider per catalog id: route ids stay unique


def test_deprecated_status_and_other_facts_are_extra_fields(bundled, bundled_db):
    con = sqlite3.connect(":memory:")
    con.deserialize(bundled_db)
    deprecated = con.execute("SELECT count(*) FROM models WHERE status = 'deprecated'").fetchone()[0]
    con.close()
    extras = bundled.tables["extra_fields"].to_pylist()
    assert sum(1 for r in extras if r["field"] == "status" and r["value_json"] == '"deprecated"') == deprecated > 100
    assert all(r["known"] for r in extras)


def test_the_bundled_file_reads_through_the_fetch_helpers(bundled):
    again = normalize_bundled(only_providers=["groq"])
    assert set(again.tables["routes"]["provider"].to_pylist()) == {"groq"}
    groq = [r for r in bundled.tables["routes"]["route_id"].to_pylist() if r.startswith("groq/")]
    assert sorted(again.tables["routes"]["route_id"].to_pylist()) == sorted(groq)


# hostile rows in a copy of the real schema
def _hostile(bundled_db: bytes, statements: list[tuple[str, tuple]]) -> bytes:
    con = sqlite3.connect(":memory:")
    con.deserialize(bundled_db)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("PRAGMA ignore_check_constraints = ON")  # a copy from elsewhere need not have the checks
    for table in ("pricing", "model_modalities", "experimental_modes", "models", "providers"):
        con.execute(f"DELETE FROM {table}")
    for sql, args in statements:
        con.execute(sql, args)
    con.commit()
    data = con.serialize()
    con.close()
    return data


def _model(full_id, provider, model_id, **values):
    columns = {
        "full_id": full_id,
        "provider_id": provider,
        "id": model_id,
        "name": model_id,
        "attachment": 0,
        "reasoning": 0,
        "tool_call": 1,
        "open_weights": 0,
        "limit_context": 1000,
        "limit_output": 100,
        **values,
    }
    return f"INSERT INTO models ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", tuple(
        columns.values()
    )


def _price(full_id, mode=None, min_context=0, **costs):
    columns = {"model_full_id": full_id, "experimental_mode_name": mode, "min_context": min_context, **costs}
    columns.setdefault("cost_input", 1.0)
    columns.setdefault("cost_output", 2.0)
    return f"INSERT INTO pricing ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", tuple(
        columns.values()
    )


@pytest.fixture(scope="module")
def hostile(bundled_db):
    rows = [
        ("INSERT INTO providers VALUES (?, ?, ?, ?, ?, ?)", ("deepinfra", "Deep Infra", "x", None, "https://d", "[]")),
        ("INSERT INTO providers VALUES (?, ?, ?, ?, ?, ?)", ("New-Host", "New Host", "x", None, "docs", "[]")),
        _model("deepinfra:good", "deepinfra", "good"),
        _price("deepinfra:good", cost_input="cheap", cost_output=-1.0, cost_cache_read=float("inf")),
        _price("deepinfra:good", min_context=-5),
        _price("deepinfra:good", mode="Fast Mode!"),
        _price("deepinfra:good", min_context=128_000, cost_input=2.0, cost_output=4.0),
        _price("deepinfra:good", mode="fast", cost_input=3.0, cost_output=6.0, cost_reasoning=1e9),
        _model(
            "deepinfra:flags",
            "deepinfra",
            "flags",
            tool_call=2,
            limit_context="lots",
            limit_output=0,
            status="deprecated",
        ),
        ("INSERT INTO model_modalities VALUES (?, ?, ?, ?)", ("deepinfra:flags", "input", 0, "text")),
        ("INSERT INTO model_modalities VALUES (?, ?, ?, ?)", ("deepinfra:flags", "input", 1, "pdf")),
        ("INSERT INTO model_modalities VALUES (?, ?, ?, ?)", ("deepinfra:flags", "output", 0, "hologram")),
        _model("deepinfra:blank", "deepinfra", ""),
        _model("deepinfra:spaced", "deepinfra", "has space"),
        _model("New-Host:m", "New-Host", "m"),
        _model("bad host:m", "bad host", "m"),
        _model("twin:m", "twin", "m"),
    ]
    data = _hostile(bundled_db, rows)
    return normalize_models_dev(data, provider_map={"deepinfra": "deepinfra", "twin": "new-host"})


def _rejects(normalized, route_id):
    return {
        (r["field"], r["rule"], r["severity"])
        for r in normalized.tables["rejects"].to_pylist()
        if r["route_id"] == route_id
    }


def test_hostile_rows_are_rejected_field_by_field(hostile):
    for name, table in hostile.tables.items():
        table.cast(schemas.NORMALIZED[name])
    assert _rejects(hostile, "deepinfra/good") == {
        ("cost_input", "price_not_a_number", "error"),
        ("cost_output", "price_negative", "error"),
        ("cost_cache_read", "price_not_finite", "error"),
        ("pricing.min_context", "tier_range_invalid", "error"),
        ("pricing.experimental_mode_name", "tier_name_invalid", "error"),
        ("pricing[mode=fast].cost_reasoning", "price_implausible", "error"),
    }
    assert _prices(hostile, "deepinfra/good") == {
        ("input", "standard", "above_128k_tokens"): 2.0,
        ("output", "standard", "above_128k_tokens"): 4.0,
        ("input", "fast", None): 3.0,
        ("output", "fast", None): 6.0,
    }
    assert _rejects(hostile, "deepinfra/flags") == {
        ("tool_call", "capability_not_boolean", "error"),
        ("limit_context", "limit_not_a_number", "error"),
        ("limit_output", "limit_zero", "warning"),
        ("modalities.output", "modality_unknown", "warning"),
    }
    (flags,) = _rows(hostile, "routes", "deepinfra/flags")
    assert flags["input_modalities"] == ["text"] and flags["output_modalities"] == ["hologram"]
    capabilities = {r["capability"]: r["supported"] for r in _rows(hostile, "capabilities", "deepinfra/flags")}
    assert (
        capabilities["pdf_input"] is True
        and capabilities["vision"] is False
        and capabilities["function_calling"] is None
    )
    assert _rows(hostile, "extra_fields", "deepinfra/flags")[0]["value_json"] == '"deprecated"'


def test_hostile_ids_and_providers_are_entry_rejects_or_keep_their_own_id(hostile):
    routes = set(hostile.tables["routes"]["route_id"].to_pylist())
    assert routes == {"deepinfra/good", "deepinfra/flags", "new-host/m"}
    assert _rejects(hostile, "deepinfra:blank") == {("id", "invalid_route_id", "error")}
    assert _rejects(hostile, "deepinfra:spaced") == {("id", "invalid_route_id", "error")}
    assert _rejects(hostile, "bad host:m") == {("provider_id", "invalid_provider", "error")}
    assert _rejects(hostile, "new-host/m") == {  # its twin maps onto the same id; its doc is no link (issue 21)
        ("id", "route_duplicate", "error"),
        ("provider.doc", "url_not_a_web_link", "error"),
    }
    assert hostile.stats["entries_left_out"] == 4
    assert hostile.stats["unmapped_providers"] == ["New-Host", "bad host"]
    (new,) = _rows(hostile, "routes", "new-host/m")
    assert new["provider"] == "new-host" and new["provider_name"] == "New Host" and new["source_url"] is None


@pytest.mark.parametrize("data", [b"not a database", b"SQLite format 3\x00" + b"\x00" * 100])
def test_a_payload_that_is_not_the_models_dev_database_is_a_broken_payload(data):
    with pytest.raises(BrokenPayloadError, match="models_dev_routes"):
        normalize_models_dev(data)


def test_a_database_without_the_pricing_table_is_a_broken_payload(bundled_db):
    con = sqlite3.connect(":memory:")
    con.deserialize(bundled_db)
    con.execute("DROP TABLE pricing")
    con.commit()
    data = con.serialize()
    con.close()
    with pytest.raises(BrokenPayloadError, match="lacks the models.dev tables"):
        normalize_models_dev(data)
