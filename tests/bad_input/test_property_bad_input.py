"""Property: whatever a hostile or careless upstream does to a real-shaped map (types, values, keys, nesting,
encoding), a sync either publishes a snapshot that verifies and keeps the publish contract, or fails naming the
source, and a failure never changes what is published.

Most examples run the sync's stages as plain functions (load, parse, normalize, guards, anomalies, publish,
verify); a few run the real `llm-catalog sync`. Profiles (`LLM_CATALOG_HYPOTHESIS`): `ci` (default: 200 plain
examples, 4 through the CLI), `long` (2,000 and 40), for local runs:

    LLM_CATALOG_HYPOTHESIS=long .venv/bin/pytest -q tests/bad_input/test_property_bad_input.py
"""

import gzip
import json
import math
import os
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pyarrow as pa
import pytest
from conftest import copy_warehouse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.history import previous_state
from assets.resources import CatalogSettings
from llm_catalog import schemas
from llm_catalog.checks import guards
from llm_catalog.errors import CatalogError
from llm_catalog.history import step as history
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.litellm.payload import parse_payload
from llm_catalog.normalized.litellm.vocabulary import MAX_TOKENS_LIMIT, PRICE_BOUNDS, PROVIDER_ID, ROUTE_ID
from llm_catalog.readers.snapshot import bind
from llm_catalog.reconciliation.reconcile import reconcile
from llm_catalog.reconciliation.sources import SourceInfo
from llm_catalog.registry import BY_NAME
from llm_catalog.sources.fetch import RawPayload
from llm_catalog.sources.source import ingest
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # end to end: Hypothesis maps synced and published

GOOD = "deepinfra/openai/gpt-oss-20b"
PROFILE = os.environ.get("LLM_CATALOG_HYPOTHESIS", "ci")
COMMON = dict(
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
settings.register_profile("ci", max_examples=200, **COMMON)
settings.register_profile("long", max_examples=2000, **COMMON)
CLI_EXAMPLES = {"ci": 4, "long": 40}[PROFILE]
DEEP = "@DEEP-{}@"  # replaced in the JSON text by that many nested lists (json.dumps itself would recurse)


@pytest.fixture(scope="module")
def base_map(bundled_map) -> dict:
    """120 real entries: the first of the map, plus entries with tiered pricing, dict-valued and off-peak prices
    and an alias, so every branch of the normalizer is within one mutation."""
    entries = {k: v for k, v in bundled_map.items() if isinstance(v, dict) and "litellm_provider" in v}
    special = [
        next(k for k, v in entries.items() if field in v)
        for field in (
            "tiered_pricing",
            "search_context_cost_per_query",
            "off_peak_pricing",
            "supported_modalities",
            "deprecation_date",
        )
    ]
    keys = [*special, GOOD, *[k for k in entries if k not in special and k != GOOD][:114]]
    return {k: entries[k] for k in keys}


# ---- what an upstream can do to a map ------------------------------------------------------------------------
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)  # surrogates and controls included
ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "openai\n",
        "a\x00b",
        "\ud800",
        "x\udfff",
        "é",
        "\u2028",
        "chat\n",
        "0" * 300,
        "\x1b[31m",
        "..",
        "/",
        "a/b/c",
        "NaN",
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e20, 10**20, 1e18, 1e308, 7, 5e-324, 2**63, 0.5, 1e-30, 1000.0, 1001e-6]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, ODD_TEXT)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.one_of(TEXT, ODD_TEXT), inner, max_size=3)),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    [
        "input_cost_per_token",
        "output_cost_per_token",
        "max_tokens",
        "max_input_tokens",
        "max_output_tokens",
        "litellm_provider",
        "mode",
        "supports_vision",
        "tiered_pricing",
        "search_context_cost_per_query",
        "supported_modalities",
        "deprecation_date",
        "alias_of",
        "input_cost_per_token_batches",
        "input_cost_per_token_batch_requests",
        "source",
        "off_peak_pricing",
        "cache_read_input_token_cost",
        "output_cost_per_image",
    ]
)
TIERS = st.lists(
    st.fixed_dictionaries(
        {"range": st.one_of(st.lists(NUMBERS, max_size=3), SCALARS), "input_cost_per_token": NUMBERS}
    ),
    max_size=3,
)


def mutate(data, entries: dict) -> dict:
    """One change of the kinds an upstream makes, drawn by Hypothesis."""
    keys = list(entries)
    key = data.draw(st.sampled_from(keys), label="entry")
    entry = entries[key] if isinstance(entries[key], dict) else {}
    kind = data.draw(
        st.sampled_from(
            ["value", "value", "delete", "rename_field", "rename_entry", "replace_entry", "tiers", "deep", "add_entry"]
        ),
        label="kind",
    )
    if kind == "value":
        name = data.draw(st.one_of(FIELDS, st.sampled_from(sorted(entry) or ["mode"])), label="field")
        return {**entries, key: {**entry, name: data.draw(VALUES, label="value")}}
    if kind == "delete" and entry:
        name = data.draw(st.sampled_from(sorted(entry)), label="field")
        return {**entries, key: {k: v for k, v in entry.items() if k != name}}
    if kind == "rename_field" and entry:
        name = data.draw(st.sampled_from(sorted(entry)), label="field")
        new = data.draw(st.one_of(TEXT, ODD_TEXT), label="new name")
        return {**entries, key: {(new if k == name else k): v for k, v in entry.items()}}
    if kind == "rename_entry":
        new = data.draw(st.one_of(ODD_TEXT, TEXT, st.just(key.upper()), st.just(key + "\n")), label="new key")
        return {(new if k == key else k): v for k, v in entries.items()}
    if kind == "replace_entry":
        return {**entries, key: data.draw(VALUES, label="entry value")}
    if kind == "tiers":
        return {**entries, key: {**entry, "tiered_pricing": data.draw(TIERS, label="tiers")}}
    if kind == "deep":
        depth = data.draw(st.sampled_from([31, 32, 33, 40, 1_000, 100_000]), label="depth")
        name = data.draw(FIELDS, label="field")
        return {**entries, key: {**entry, name: DEEP.format(depth)}}
    if kind == "add_entry":
        new = data.draw(st.one_of(ODD_TEXT, TEXT), label="new key")
        good = entries.get(GOOD)  # an earlier mutation may have replaced or renamed it
        copy = dict(good) if isinstance(good, dict) and good else {"litellm_provider": "openai"}
        return {**entries, new: data.draw(st.one_of(VALUES, st.just(copy)), label="entry value")}
    return entries


def payload(data, entries: dict) -> tuple[bytes, str]:
    """The map as bytes, as an upstream might send it: JSON, repeated keys, another encoding, cut, gzip."""
    text = json.dumps(entries, allow_nan=True)
    for depth in {int(p.split("@")[0]) for p in text.split('"@DEEP-')[1:]}:
        text = text.replace(f'"{DEEP.format(depth)}"', "[" * depth + "]" * depth)
    encoding = data.draw(
        st.sampled_from(["utf-8"] * 6 + ["duplicate", "bom", "latin-1", "utf-16", "cut", "bytes", "gzip", "bad gzip"]),
        label="encoding",
    )
    raw = text.encode("utf-8", "surrogatepass")
    if encoding == "duplicate":  # the good route again, earlier in the text: the last copy counts
        raw = b'{"' + GOOD.encode() + b'": {"litellm_provider": "x"},' + raw[1:]
    elif encoding == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif encoding == "latin-1":
        raw = raw.replace(b"openai", "öpenai".encode("latin-1"), 1)
    elif encoding == "utf-16":
        raw = text.encode("utf-16", "surrogatepass")
    elif encoding == "cut":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1), label="cut at")]
    elif encoding == "bytes":
        at = data.draw(st.integers(0, len(raw)), label="at")
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=4), label="bytes") + raw[at:]
    elif encoding == "gzip":
        raw = gzip.compress(raw)
    elif encoding == "bad gzip":
        raw = gzip.compress(raw)[:-20]
    return raw, ("map.json.gz" if "gzip" in encoding else "map.json")


# ---- the sync, as plain functions ------------------------------------------------------------------------------
_clock = count()
MAX_REJECT_SHARE = CatalogSettings().max_reject_share  # the sync's default


def sync_plain(root, path) -> str:
    """Load, parse, normalize, guard, find anomalies, plan, carry the history, publish: the sync's stages without
    Dagster (the Great Expectations suites are replaced by `assert_contract` on what was published). Returns what
    happened; raises CatalogError naming the source when the sync must fail."""
    warehouse = Warehouse(root)
    payload_ = RawPayload.from_dict(ingest(BY_NAME["litellm"], str(path), raw_dir=root / "raw"))
    source = f"litellm ({payload_.origin})"
    entries, duplicates = parse_payload(payload_.read_bytes(), source=source)
    normalized = normalize(entries, duplicates=duplicates).tables
    current = warehouse.current_id()
    previous = bind(warehouse, current).read_tables(("routes", "prices")) if current else None
    routes = normalized["routes"].num_rows
    for guard in (
        guards.route_count_guard(
            routes, previous["routes"].num_rows if previous else None, max_drop=0.10, accept=False, source=source
        ),
        guards.price_change_guard(normalized, previous, max_share=0.5, accept=False, source=source),
        guards.reject_share_guard(normalized["rejects"], routes, source=source, max_share=MAX_REJECT_SHARE),
    ):
        if not guard.passed:
            raise CatalogError(f"check {guard.name} failed: {guard.description}")
    # the catalog of the map alone, reconciled as a sync reconciles it
    catalog = reconcile({"litellm": normalized}, {"litellm": SourceInfo(as_of=date(2026, 1, 1))}).tables
    found = guards.anomalies(catalog, previous)
    found = found.append_column("source", pa.array(["checks"] * found.num_rows, pa.string()))
    tables = {
        **{name: schemas.TABLES[name].empty_table() for name in schemas.DERIVED},
        **catalog,
        "rejects": pa.concat_tables([catalog["rejects"], found.cast(schemas.CATALOG_REJECTS)]),
    }
    now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=next(_clock))  # ids in publishing order
    plan = warehouse.plan(sources=[payload_.to_dict()], code="property", now=now)
    tables |= history.step(
        previous_state(warehouse, current),
        tables,
        snapshot_id=plan.snapshot_id,
        previous_snapshot_id=current,
        as_of=plan.as_of,
    )
    result = warehouse.publish(tables, plan, sources=[payload_.to_dict()])
    return "published" if result.published else "unchanged"


def assert_contract(warehouse: Warehouse, snapshot_id: str) -> None:
    """What the critical expectations guard, on what was published."""
    assert warehouse.verify(snapshot_id) == []
    published = bind(warehouse, snapshot_id).read_tables(("routes", "prices", "limits", "rejects"))
    routes = published["routes"].to_pylist()
    assert all(ROUTE_ID.fullmatch(r["route_id"]) and PROVIDER_ID.fullmatch(r["provider"]) for r in routes)
    assert len({r["route_id"] for r in routes}) == len(routes)
    prices = published["prices"].to_pylist()
    assert all(math.isfinite(p["usd"]) and 0 <= p["usd"] <= PRICE_BOUNDS[p["unit"]][1] for p in prices)
    keys = [(p["route_id"], p["price_kind"], p["tier"], p["condition"], p["unit"]) for p in prices]
    assert len(set(keys)) == len(keys)
    for row in published["limits"].to_pylist():
        assert all(v is None or 1 <= v <= MAX_TOKENS_LIMIT for k, v in row.items() if k != "route_id")
    for reject in published["rejects"].to_pylist():
        json.loads(reject["value"])  # what was left out is kept, as JSON


TALLY: dict[str, int] = {}


@pytest.fixture(scope="module")
def plain_warehouse(tmp_path_factory, base_map):
    root = tmp_path_factory.mktemp("property")
    path = root / "base.json"
    path.write_text(json.dumps(base_map))
    assert sync_plain(root / "wh", path) == "published"
    yield root
    print(f"property examples, profile {PROFILE}: {TALLY}")  # shown with -rA: the counts in the note


@settings(settings.get_profile(PROFILE))
@given(data=st.data())
def test_a_mutated_map_publishes_a_valid_snapshot_or_fails_naming_the_source(plain_warehouse, base_map, data):
    root = plain_warehouse
    warehouse = Warehouse(root / "wh")
    before, ids = warehouse.current_id(), warehouse.snapshot_ids()
    entries = base_map
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        entries = mutate(data, entries)
    raw, name = payload(data, entries)
    path = root / name
    path.write_bytes(raw)
    try:
        outcome = sync_plain(root / "wh", path)
    except CatalogError as exc:
        TALLY["refused"] = TALLY.get("refused", 0) + 1
        assert "source litellm" in str(exc), str(exc)
        assert warehouse.current_id() == before and warehouse.snapshot_ids() == ids
        assert warehouse.verify(before) == []
        return
    TALLY[outcome] = TALLY.get(outcome, 0) + 1
    current = warehouse.current_id()
    assert (current != before) == (outcome == "published")
    assert_contract(warehouse, current)


def test_found_by_the_long_profile_a_provider_written_as_a_31_digit_number(plain_warehouse, base_map):
    """An integer of more than 30 digits is parsed as its text (to reject it, not overflow): it passed the provider
    pattern and then went missing from the entry (KeyError). It is an invalid_provider reject."""
    entries = {**base_map, GOOD: {**base_map[GOOD], "litellm_provider": "@N@"}}
    path = plain_warehouse / "provider-number.json"
    path.write_text(json.dumps(entries).replace('"@N@"', "-" + "1" * 31))
    normalized = normalize(*parse_payload(path.read_bytes())[:1]).tables
    rejects = [r for r in normalized["rejects"].to_pylist() if r["route_id"] == GOOD]
    assert [(r["field"], r["rule"]) for r in rejects] == [("litellm_provider", "invalid_provider")]
    assert GOOD not in normalized["routes"].column("route_id").to_pylist()


def test_found_by_ci_a_payload_cut_off_inside_deep_nesting_is_not_json_not_a_recursion_error(base_map):
    """A map cut off inside a subtree nested deeper than MAX_DEPTH: the unclosed subtree was not cut out, so
    json.loads recursed into it (RecursionError). It is now cut too, and the payload is plainly not JSON."""
    text = json.dumps(base_map)
    cut = text[: text.index("[") + 1] + "[" * 5000
    with pytest.raises(CatalogError, match="source litellm: payload is not valid JSON"):
        parse_payload(cut.encode(), source="litellm")


@pytest.fixture(scope="module")
def cli_warehouse(tmp_path_factory, small_synced):
    """The session's warehouse synced from the small map, copied: the examples sync into it one after another."""
    root = tmp_path_factory.mktemp("property-cli")
    copy_warehouse(small_synced, root / "wh")
    return root


@settings(settings.get_profile(PROFILE), max_examples=CLI_EXAMPLES)
@given(data=st.data())
def test_a_mutated_map_through_the_cli(cli_warehouse, small_map, data, capsys):
    root = cli_warehouse
    warehouse = Warehouse(root / "wh")
    before, ids = warehouse.current_id(), warehouse.snapshot_ids()
    entries = mutate(data, small_map)
    raw, name = payload(data, entries)
    path = root / name
    path.write_bytes(raw)
    capsys.readouterr()
    code = main(["sync", "--warehouse", str(root / "wh"), "--litellm", str(path), "--quiet"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code == 0:
        assert_contract(warehouse, warehouse.current_id())
    else:
        assert code == 1 and f"litellm ({path})" in err, err
        assert f"nothing published; snapshot {before} stays current" in err
        assert warehouse.current_id() == before and warehouse.snapshot_ids() == ids
        assert warehouse.verify(before) == []
