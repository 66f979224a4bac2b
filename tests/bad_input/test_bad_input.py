"""Bad input, synced through the command line. A payload that is not a map, or a map broken broadly (one entry in
ten), is refused: a clear error naming the source (and entry and field), exit code 1, nothing published, the current
snapshot unchanged. One bad field in a real-shaped map is a per-field reject: the snapshot is published, the entry
without that field. Each case starts from a warehouse whose current snapshot is a good real-shaped map."""

import json
import re
import shutil

import pytest
from conftest import copy_warehouse

from llm_catalog.readers.snapshot import bind
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # end to end: bad maps synced through the command line

GOOD = "deepinfra/openai/gpt-oss-20b"


@pytest.fixture(scope="module")
def published(tmp_path_factory, small_synced):
    """The session's warehouse synced from the small map, copied for the module (bad maps are synced into it)."""
    root = copy_warehouse(small_synced, tmp_path_factory.mktemp("bad-input") / "wh")
    return root, Warehouse(root).current_id()


def with_field(small_map, field, value) -> str:
    changed = {**small_map, GOOD: {**small_map[GOOD], field: value}}
    return json.dumps(changed)


def every_tenth_with(small_map, field, value) -> str:
    """The map with ``field`` set to ``value`` on every tenth entry: 6 of 60 broken, over the 5% limit."""
    changed = {k: ({**v, field: value} if i % 10 == 0 else v) for i, (k, v) in enumerate(small_map.items())}
    return json.dumps(changed)


# a bad field, as a real map could carry it
BAD_FIELDS = {
    "nan": ("input_cost_per_token", float("nan"), "price_not_finite", "a price must be finite", "NaN"),
    "infinity": ("output_cost_per_token", float("inf"), "price_not_finite", "a price must be finite", "Infinity"),
    "price as a string": (
        "input_cost_per_token", "3e-08", "price_not_a_number", "a price must be a number, got str", '"3e-08"'
    ),
    "negative price": ("input_cost_per_token", -3e-08, "price_negative", "a price must not be negative", "-3e-08"),
    "negative token limit": ("max_input_tokens", -1, "limit_negative", "a token limit must not be negative", "-1"),
}  # fmt: skip

# not a map at all: refused at the source step
CASES = {
    "html page": (
        lambda m: "<!DOCTYPE html><html><body>429 Too Many Requests</body></html>",
        r"source litellm \(.*html page.json\): payload is not valid JSON \(it looks like an HTML page\)",
    ),
    "truncated json": (
        lambda m: json.dumps(m)[:5000],
        r"source litellm \(.*truncated json.json\): payload is not valid JSON: .* at line 1 column",
    ),
    "empty object": (lambda m: "{}", r"source litellm \(.*\): the map is an empty object: no model entries"),
    "list at the top": (
        lambda m: json.dumps(list(m.values())),
        r"source litellm \(.*\): expected a JSON object of model entries at the top, got a list",
    ),
}


def refused(warehouse, before, path, capsys) -> str:
    """Sync ``path``; assert it failed and the current snapshot stayed; return what the sync said."""
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"nothing published; snapshot {before} stays current" in err
    assert Warehouse(warehouse).current_id() == before
    assert Warehouse(warehouse).snapshot_ids() == [before]
    assert Warehouse(warehouse).verify(before) == []
    return err


@pytest.mark.parametrize("case", list(CASES))
def test_a_payload_that_is_not_a_map_is_refused_and_the_current_snapshot_stays(
    published, small_map, tmp_path, capsys, case
):
    warehouse, before = published
    make, expected = CASES[case]
    path = tmp_path / f"{case}.json"
    path.write_text(make(small_map))
    err = refused(warehouse, before, path, capsys)
    assert re.search(expected, err), err


@pytest.mark.parametrize("case", list(BAD_FIELDS))
def test_a_broadly_broken_map_is_refused_naming_source_entry_and_field(published, small_map, tmp_path, capsys, case):
    """One entry in ten with the bad field: the source is broken, nothing of it is published."""
    warehouse, before = published
    field, value, _, message, shown = BAD_FIELDS[case]
    path = tmp_path / f"{case}.json"
    path.write_text(every_tenth_with(small_map, field, value))
    err = refused(warehouse, before, path, capsys)
    assert (
        f"check litellm/rejects:reject_share failed: source litellm ({path}): 6 of 60 entries (10.0%) have errors"
        in err
    )
    first = next(iter(small_map))
    assert f"entry {first!r}, field {field!r}: {message}" in err and f"(value {shown})" in err


@pytest.mark.parametrize("case", list(BAD_FIELDS))
def test_one_bad_field_is_a_per_field_reject_on_a_published_snapshot(published, small_map, tmp_path, case):
    """The same bad field on one entry of sixty: the entry is published without it, and rejects names the entry,
    the field and the rule; the snapshot's sources name the file it came from."""
    field, value, rule, message, shown = BAD_FIELDS[case]
    warehouse = tmp_path / "wh"
    shutil.copytree(published[0], warehouse)
    path = tmp_path / f"{case}.json"
    path.write_text(with_field(small_map, field, value))
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(path), "--quiet"]) == 0
    store = Warehouse(warehouse)
    current = store.current_id()
    assert current != published[1]
    (litellm,) = [s for s in store.manifest(current)["sources"] if s["source"] == "litellm"]
    assert litellm["origin"] == str(path)
    tables = bind(store, current).read_tables(("routes", "prices", "limits", "rejects"))
    errors = [r for r in tables["rejects"].to_pylist() if r["severity"] == "error" and r["source"] == "litellm"]
    assert [(r["route_id"], r["field"], r["rule"], r["value"]) for r in errors] == [(GOOD, field, rule, shown)]
    assert errors[0]["message"].startswith(message)
    assert GOOD in tables["routes"].column("route_id").to_pylist()
    assert field not in {p["source_field"] for p in tables["prices"].to_pylist() if p["route_id"] == GOOD}
    (limits,) = [r for r in tables["limits"].to_pylist() if r["route_id"] == GOOD]
    assert limits["max_input_tokens"] == (None if field == "max_input_tokens" else small_map[GOOD]["max_input_tokens"])


def test_a_payload_over_the_size_limit(published, small_map, tmp_path, capsys):
    warehouse, before = published
    path = tmp_path / "big.json"
    path.write_text(json.dumps(small_map) + " " * 300_000)
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(path), "--max-payload-mb", "0.25"]) == 1
    err = capsys.readouterr().err
    assert f"source litellm ({path}): {path} is larger than the 262144 byte limit" in err
    assert Warehouse(warehouse).current_id() == before


def test_a_route_count_drop_is_blocked_unless_accepted(published, small_map, tmp_path, capsys):
    warehouse, before = published
    path = tmp_path / "shrunk.json"
    path.write_text(json.dumps(dict(list(small_map.items())[:40])))
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(path)]) == 1
    err = capsys.readouterr().err
    assert "check litellm/routes:route_count failed: route count fell from 60 to 40 (33.3%, limit 10%)" in err
    assert Warehouse(warehouse).current_id() == before
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(path), "--accept-drop"]) == 0
    assert Warehouse(warehouse).current_id() != before
    # put the good map back for the other cases (the drop guard allows growth)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(small_map))
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(good)]) == 0


def test_warnings_are_published_in_rejects_and_shown_in_the_run(tmp_path, small_map, small_synced, capsys):
    warehouse = copy_warehouse(small_synced, tmp_path / "wh")  # its snapshot: the small map, input 0.03 per 1M
    jumped = tmp_path / "jumped.json"
    jumped.write_text(with_field(small_map, "input_cost_per_token", 3e-06))  # 0.03 -> 3.0 per 1M
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(jumped)]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(warehouse),
                "--format",
                "json",
                "select rule, severity, message from rejects where route_id = 'deepinfra/openai/gpt-oss-20b'",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert {
        "rule": "price_jump",
        "severity": "warning",
        "message": "standard input price moved from 0.03 to 3.0 usd_per_1m_tokens (100.0x) since the previous snapshot",
    } in rows
