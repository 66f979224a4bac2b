"""genai-prices: the bundled data.py end to end (parsed, never run), hand-made hostile entries in both of its forms,
the reader refusing anything but literals and the package's constructors, and which dated, daily and variant prices
are published."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_catalog import schemas
from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.genai_prices import (
    bundled_data,
    catalog_provider,
    load_provider_map,
    normalize,
    normalize_bundled,
)
from llm_catalog.normalized.genai_prices_ast import read_data_json, read_data_py, read_genai_prices
from llm_catalog.sources.bundle import _check

AS_OF = date(2026, 11, 10)
MAP = {"openai": ("openai", ""), "google": ("gemini", ""), "google/claude-": ("vertex_ai", "")}


@pytest.fixture(scope="module")
def bundled():
    return normalize_bundled()


def price(result, route_id, kind="input", tier="standard", condition=None, unit="usd_per_1m_tokens"):
    found = [
        r["usd"]
        for r in result.tables["prices"].to_pylist()
        if (r["route_id"], r["price_kind"], r["tier"], r["condition"], r["unit"])
        == (route_id, kind, tier, condition, unit)
    ]
    return found[0] if found else None


def rejects(result):
    return {(r["route_id"], r["field"], r["rule"]) for r in result.tables["rejects"].to_pylist()}


def extras(result, route_id):
    return {
        r["field"]: json.loads(r["value_json"])
        for r in result.tables["extra_fields"].to_pylist()
        if r["route_id"] == route_id
    }


def one(models, provider="openai", as_of=AS_OF):
    return normalize([{"id": provider, "name": provider.title(), "models": models}], as_of=as_of, provider_map=MAP)


# --- the bundled copy -------------------------------------------------------------------------------------------


def test_the_bundled_copy_matches_its_source_json_and_names_mit():
    data, meta = bundled_data()
    assert meta["package"] == "genai-prices" and meta["licence"] == "MIT"
    assert meta["size_bytes"] == len(data) and meta["upstream"].endswith("/prices/data.json")
    assert _check("genai-prices", data) is None
    with pytest.raises(ValueError, match="no `providers`"):
        _check("genai-prices", b"x = 1\n")


def test_bundled_end_to_end_every_table_casts_and_ids_are_unique(bundled):
    for name, table in bundled.tables.items():
        assert table.cast(schemas.NORMALIZED[name]).num_rows == table.num_rows
    routes = bundled.tables["routes"].column("route_id").to_pylist()
    assert len(routes) == len(set(routes)) == bundled.stats["routes"] > 2000
    keys = [
        (r["route_id"], r["price_kind"], r["tier"], r["condition"], r["unit"])
        for r in bundled.tables["prices"].to_pylist()
    ]
    assert len(keys) == len(set(keys)) > 6000
    assert bundled.stats["providers_total"] == 47
    assert bundled.stats["providers_mapped"] + bundled.stats["providers_unmapped"] == 47
    assert "cursor" in bundled.stats["providers_unmapped_ids"] and "aws" not in bundled.stats["providers_unmapped_ids"]
    assert {r["provider"] for r in bundled.tables["routes"].to_pylist()} >= {"bedrock", "gemini", "vertex_ai", "xai"}


def test_bundled_known_routes_have_the_values_the_data_states(bundled):
    # aws -> bedrock: ModelInfo(id='openai.gpt-oss-20b-1:0', context_window=128000, input 0.07, output 0.3)
    assert price(bundled, "bedrock/openai.gpt-oss-20b-1:0") == 0.07
    assert price(bundled, "bedrock/openai.gpt-oss-20b-1:0", "output") == 0.3
    limits = {r["route_id"]: r for r in bundled.tables["limits"].to_pylist()}
    assert limits["bedrock/openai.gpt-oss-20b-1:0"]["context_window"] == 128000
    # TieredPrices(base=3, tiers=[Tier(start=200000, price=6)]) and the batch variant at half
    assert price(bundled, "anthropic/claude-sonnet-4-5") == 3.0
    assert price(bundled, "anthropic/claude-sonnet-4-5", condition="above_200k_tokens") == 6.0
    assert price(bundled, "anthropic/claude-sonnet-4-5", "cache_write", condition="cache_ttl_1h") == 6.0
    assert price(bundled, "anthropic/claude-sonnet-4-5", tier="batch") == 1.5
    assert price(bundled, "anthropic/claude-sonnet-4-5", "web_search", unit="usd_per_query") == 0.01
    # deepseek-chat: 0.27 inside 00:30-16:30 UTC, 0.135 outside: the cheaper is off-peak
    assert price(bundled, "deepseek/deepseek-chat") == 0.27
    assert price(bundled, "deepseek/deepseek-chat", tier="off_peak") == 0.135
    assert extras(bundled, "deepseek/deepseek-chat")["off_peak"]["off_peak"] == "outside"
    # Google's Claude models are Vertex AI's, its Gemini models the Gemini API's; HF providers keep their host
    assert price(bundled, "vertex_ai/claude-3-5-haiku") is not None
    assert price(bundled, "gemini/gemini-2.5-pro") is not None
    assert any(r.startswith("huggingface/together/") for r in bundled.tables["routes"].column("route_id").to_pylist())


# --- hostile entries --------------------------------------------------------------------------------------------


def test_hostile_entries_are_rejected_per_field_and_the_entry_goes_on():
    result = one(
        [
            {
                "id": "a",
                "prices": {"input_mtok": "1.5", "output_mtok": Decimal("-2"), "cache_read_mtok": Decimal("NaN")},
            },
            {"id": "b", "prices": {"input_mtok": Decimal("5000"), "output_mtok": True, "made_up_mtok": Decimal("1")}},
            {"name": "no id", "prices": {"input_mtok": Decimal("1")}},
            {
                "id": "c",
                "context_window": -5,
                "prices": {"input_mtok": {"base": Decimal("1"), "tiers": [{"start": "x", "price": Decimal("2")}]}},
            },
            {"id": "a", "prices": {"input_mtok": Decimal("9")}},
            {"id": "has space", "prices": {}},
            "not a model",
        ]
    )
    assert rejects(result) == {
        ("openai/a", "input_mtok", "price_not_a_number"),
        ("openai/a", "output_mtok", "price_negative"),
        ("openai/a", "cache_read_mtok", "price_not_finite"),
        ("openai/b", "input_mtok", "price_implausible"),
        ("openai/b", "output_mtok", "price_not_a_number"),
        ("openai/models[2]", "id", "missing_id"),
        ("openai/c", "context_window", "limit_negative"),
        ("openai/c", "input_mtok.tiers[0]", "tier_start_invalid"),
        ("openai/a", "id", "duplicate_route"),
        ("openai/models[5]", "id", "invalid_route_id"),
        ("openai/models[6]", None, "not_an_object"),
    }
    assert result.tables["routes"].column("route_id").to_pylist() == ["openai/a", "openai/b", "openai/c"]
    assert price(result, "openai/c") == 1.0  # the base stands, the broken tier is left out
    assert extras(result, "openai/b")["made_up_mtok"] == "1"
    assert result.stats["unknown_fields"] == {"made_up_mtok": 1}
    assert result.stats["entries_left_out"] == 4
    for name, table in result.tables.items():
        table.cast(schemas.NORMALIZED[name])


def test_an_unknown_provider_keeps_its_own_id_lower_cased_and_is_counted():
    result = normalize(
        [{"id": "NewHost", "models": [{"id": "m", "prices": {"input_mtok": Decimal("1")}}]}, {"models": []}],
        as_of=AS_OF,
        provider_map=MAP,
    )
    assert result.tables["routes"].column("route_id").to_pylist() == ["newhost/m"]
    assert result.stats["providers_unmapped_ids"] == ["NewHost"] and result.stats["providers_mapped"] == 0
    assert ("providers[1]", "id", "missing_provider") in rejects(result)


def test_the_provider_csv_maps_models_by_id_prefix():
    mapping = load_provider_map()
    assert catalog_provider("aws", "openai.gpt-oss-20b-1:0", mapping) == ("bedrock", "", True)
    assert catalog_provider("google", "claude-opus-4-7", mapping) == ("vertex_ai", "", True)
    assert catalog_provider("google", "gemini-2.5-pro", mapping) == ("gemini", "", True)
    assert catalog_provider("huggingface_groq", "openai/gpt-oss-120b", mapping) == ("huggingface", "groq/", True)
    assert catalog_provider("avian", "x", mapping) == ("avian", "", False)


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.text(max_size=8),
        st.none(),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_any_json_value_for_a_price_is_a_row_or_a_reject(value):
    text = json.dumps([{"id": "openai", "models": [{"id": "m", "prices": {"input_mtok": value}}]}])
    result = normalize(read_data_json(text), as_of=AS_OF, provider_map=MAP)
    published, rejected = result.tables["prices"].num_rows, result.tables["rejects"].num_rows
    assert published + rejected >= 1
    if published:
        assert 0 <= result.tables["prices"].column("usd")[0].as_py() <= 1000


# --- the reader: parsed, never run ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "__import__('os').system('touch {marker}')",
        "os.system('touch {marker}')",
        "open('{marker}', 'w')",
        "(lambda: __import__('os').system('touch {marker}'))()",
        "Decimal('1').__class__",
        "ModelPrice(**{{'input_mtok': Decimal('1')}})",
        "input_mtok_from_a_name",
        "Decimal('1') + Decimal('2')",
    ],
)
def test_the_reader_refuses_code_and_runs_none_of_it(tmp_path, payload):
    marker = tmp_path / "ran"
    source = (
        "from decimal import Decimal\nproviders = [Provider(id='evil', name='Evil', models=[ModelInfo(id='m1', "
        f"match=ClauseEquals(equals='m1'), prices=ModelPrice(input_mtok={payload.format(marker=marker)}))])]\n"
    )
    with pytest.raises(BrokenPayloadError) as caught:
        read_data_py(source)
    assert caught.value.entry == "evil/m1" and "genai_prices/data.py line 2" in str(caught.value)
    assert not marker.exists()


def test_the_reader_refuses_other_statements_and_accepts_the_real_module_shape(tmp_path):
    with pytest.raises(BrokenPayloadError, match="import os"):
        read_data_py("import os\nproviders = []\n")
    with pytest.raises(BrokenPayloadError, match="not allowed"):
        read_data_py("providers = []\nexec('x')\n")
    with pytest.raises(BrokenPayloadError, match="assigns no"):
        read_data_py('"""doc"""\n')
    good = (
        '"""generated"""\nimport datetime\nfrom decimal import Decimal\nfrom .types import *\n'
        "__all__ = ('providers',)\nproviders: list[Provider] = [Provider(id='openai', name='OpenAI', api_pattern='x', "
        "models=[ModelInfo(id='m', match=ClauseOr(or_=[ClauseEquals(equals='m')]), prices=[ConditionalPrice("
        "prices=ModelPrice(input_mtok=Decimal('2'))), ConditionalPrice(constraint=StartDateConstraint("
        "start_date=datetime.date(2026, 1, 1)), prices=ModelPrice(input_mtok=Decimal('1')))])])]\n"
    )
    providers = read_genai_prices(good.encode())
    assert providers[0]["models"][0]["prices"][1]["constraint"] == {"start_date": date(2026, 1, 1)}
    assert price(normalize(providers, as_of=AS_OF, provider_map=MAP), "openai/m") == 1.0


# --- dates, daily windows, variants; the JSON form --------------------------------------------------------------


DATED = {
    "id": "m",
    "context_window": 1000,
    "prices": [
        {"prices": {"input_mtok": Decimal("4")}},
        {"constraint": {"start_date": "2026-06-01"}, "prices": {"input_mtok": Decimal("3")}},
        {"constraint": {"start_date": "2027-01-01"}, "prices": {"input_mtok": Decimal("2")}},
    ],
    "price_variants": [
        {"when": {"processing": "batch"}, "prices": {"input_mtok": Decimal("1.5")}},
        {
            "when": {"service_tier": "flex"},
            "prices": {"input_mtok": Decimal("1")},
            "constraint": {"start_date": "2027-01-01"},
        },
        {"when": {"service_tier": "priority"}, "prices": {"input_mtok": Decimal("6")}},
        {"when": {"route": "mistral/eu"}, "prices": {"input_mtok": Decimal("3.3")}},
        {"when": {"service_tier": "default"}, "prices": {}},
    ],
    "deprecated": True,
}


def test_the_price_in_force_on_as_of_is_published_and_later_ones_are_scheduled():
    result = one([DATED])
    assert price(result, "openai/m") == 3.0
    assert price(result, "openai/m", tier="batch") == 1.5 and price(result, "openai/m", tier="priority") == 6.0
    assert price(result, "openai/m", tier="flex") is None  # starts in 2027
    kept = extras(result, "openai/m")
    assert kept["prices_scheduled"] == [{"start_date": "2027-01-01", "prices": {"input_mtok": "2"}}]
    assert kept["price_variants[3]"]["when"] == {"route": "mistral/eu"} and kept["deprecated"] is True
    assert price(one([DATED], as_of=date(2026, 1, 1)), "openai/m") == 4.0
    assert price(one([DATED], as_of=date(2027, 2, 1)), "openai/m", tier="flex") == 1.0


def test_a_cheaper_daily_window_is_off_peak():
    night = {"start_time": "16:30:00Z", "end_time": "00:30:00Z"}
    model = {
        "id": "m",
        "prices": [
            {"prices": {"input_mtok": Decimal("2")}},
            {"constraint": night, "prices": {"input_mtok": Decimal("1")}},
        ],
    }
    result = one([model])
    assert (price(result, "openai/m"), price(result, "openai/m", tier="off_peak")) == (2.0, 1.0)
    assert extras(result, "openai/m")["off_peak"] == {"off_peak": "inside", "windows": ["16:30-00:30 UTC"]}


def test_the_json_form_and_the_python_form_give_the_same_tables():
    as_json = json.dumps(
        [{"id": "openai", "name": "Openai", "models": [DATED]}],
        default=lambda v: float(v) if isinstance(v, Decimal) else str(v),
    )
    from_json = normalize(read_genai_prices(as_json.encode()), as_of=AS_OF, provider_map=MAP)
    from_python = one([DATED])
    for name in ("routes", "prices", "limits", "rejects"):
        assert from_json.tables[name].equals(from_python.tables[name]), name


def test_a_parse_that_collides_with_another_threads_is_parsed_again(monkeypatch):
    """CPython 3.11 fails one of two concurrent ast.parse calls with a SystemError about its recursion depth (the
    sync imports Great Expectations in a thread meanwhile); the reader parses again rather than failing the sync. Any
    other SystemError is raised."""
    import ast

    from llm_catalog.normalized import genai_prices_ast

    real_parse, calls = ast.parse, []

    def collides_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise SystemError("AST constructor recursion depth mismatch (before=1, after=0)")
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(genai_prices_ast.ast, "parse", collides_once)
    providers = genai_prices_ast.read_data_py("providers = []\n")
    assert providers == [] and len(calls) == 2

    def broken(*args, **kwargs):
        raise SystemError("something else")

    monkeypatch.setattr(genai_prices_ast.ast, "parse", broken)
    with pytest.raises(SystemError, match="something else"):
        genai_prices_ast.read_data_py("providers = []\n")
