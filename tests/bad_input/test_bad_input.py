"""Bad input: a clear error naming the source (and entry and field), exit code 1, nothing published, the current
snapshot unchanged. Each case starts from a warehouse whose current snapshot is a good real-shaped map."""

import json
import re

import pytest

from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # end to end: bad maps synced through the command line

GOOD = "deepinfra/openai/gpt-oss-20b"


@pytest.fixture(scope="module")
def published(tmp_path_factory, small_map):
    root = tmp_path_factory.mktemp("bad-input")
    good = root / "good.json"
    good.write_text(json.dumps(small_map))
    assert main(["sync", "--warehouse", str(root / "wh"), "--litellm", str(good)]) == 0
    return root / "wh", Warehouse(root / "wh").current_id()


def with_field(small_map, field, value) -> str:
    changed = {**small_map, GOOD: {**small_map[GOOD], field: value}}
    return json.dumps(changed)


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
    "nan": (
        lambda m: with_field(m, "input_cost_per_token", float("nan")),
        r"entry 'deepinfra/openai/gpt-oss-20b', field 'input_cost_per_token': a price must be finite \(value NaN\)",
    ),
    "infinity": (
        lambda m: with_field(m, "output_cost_per_token", float("inf")),
        r"entry 'deepinfra/openai/gpt-oss-20b', field 'output_cost_per_token': a price must be finite",
    ),
    "price as a string": (
        lambda m: with_field(m, "input_cost_per_token", "3e-08"),
        r"field 'input_cost_per_token': a price must be a number, got str \(value \"3e-08\"\)",
    ),
    "negative price": (
        lambda m: with_field(m, "input_cost_per_token", -3e-08),
        r"field 'input_cost_per_token': a price must not be negative \(value -3e-08\)",
    ),
    "zero token limit": (
        lambda m: with_field(m, "max_input_tokens", 0),
        r"field 'max_input_tokens': a token limit must be positive \(value 0\)",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_and_the_current_snapshot_stays(published, small_map, tmp_path, capsys, case):
    warehouse, before = published
    make, expected = CASES[case]
    path = tmp_path / f"{case}.json"
    path.write_text(make(small_map))
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(path)]) == 1
    err = capsys.readouterr().err
    assert re.search(expected, err), err
    if case in ("nan", "infinity", "price as a string", "negative price", "zero token limit"):
        assert f"source litellm ({path})" in err and "check rejects:reject_share failed" in err
    assert f"nothing published; snapshot {before} stays current" in err
    assert Warehouse(warehouse).current_id() == before
    assert Warehouse(warehouse).snapshot_ids() == [before]
    assert Warehouse(warehouse).verify(before) == []


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
    assert "check routes:route_count failed: route count fell from 60 to 40 (33.3%, limit 10%)" in err
    assert Warehouse(warehouse).current_id() == before
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(path), "--accept-drop"]) == 0
    assert Warehouse(warehouse).current_id() != before
    # put the good map back for the other cases (the drop guard allows growth)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(small_map))
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(good)]) == 0


def test_warnings_are_published_in_rejects_and_shown_in_the_run(tmp_path, small_map, capsys):
    warehouse = tmp_path / "wh"
    good = tmp_path / "good.json"
    good.write_text(json.dumps(small_map))
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", str(good)]) == 0
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
