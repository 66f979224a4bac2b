"""models.dev (bundled SQLite and repository tree) and LLM Stats: loading a folder or a tarball, parsing each shape,
placing models with the resolver and models.dev's pointers, one benchmark id and scale across sources, the same
figure kept once, the `models` table, and broken or unreachable payloads."""

import gzip
import hashlib
import io
import json
import sqlite3
import tarfile
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from loopback import FlakyServer

from llm_catalog.benchmarks.link import link
from llm_catalog.errors import BrokenPayloadError, SourceError
from llm_catalog.identity.resolver import default_resolver
from llm_catalog.models import metadata as model_metadata
from llm_catalog.normalized import llm_stats, models_dev, models_dev_metadata
from llm_catalog.normalized.model_cards import parse_model_cards
from llm_catalog.normalized.models_dev import parse_models_dev_tree
from llm_catalog.normalized.models_dev_api import parse_models_dev_api
from llm_catalog.normalized.models_dev_metadata import parse_models_dev_metadata
from llm_catalog.normalized.parsed import ParsedSource
from llm_catalog.paths import (
    BUNDLED_MODELSDEV_API,
    BUNDLED_MODELSDEV_API_SOURCE,
    BUNDLED_MODELSDEV_DB,
    BUNDLED_MODELSDEV_SOURCE,
    MODEL_CARDS_CSV,
)
from llm_catalog.registry import BY_NAME, providing
from llm_catalog.sources.fetch import read_tree, store_raw
from llm_catalog.sources.source import ingest

FIXTURES = Path(__file__).parent.parent / "fixtures"
ATTRIBUTIONS = {s.name: s.attribution for s in providing("model metadata")}
MODELS_DEV_MEMBERS, LLM_STATS_MEMBERS = models_dev.MEMBERS, llm_stats.MEMBERS
MODELS_DEV = FIXTURES / "models_dev"
LLM_STATS = FIXTURES / "llm_stats"


def models_dev_payload(folder: Path = MODELS_DEV) -> bytes:
    return read_tree(folder, source="models_dev", members=MODELS_DEV_MEMBERS)


def llm_stats_payload(folder: Path = LLM_STATS) -> bytes:
    return read_tree(folder, source="llm_stats", members=LLM_STATS_MEMBERS)


def tarball(folder: Path, top: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A .tar.gz like GitHub's archive of a branch: everything under one top folder."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(folder, arcname=top)
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_a_tarball_and_a_folder_give_the_same_payload_with_only_the_expected_files(tmp_path):
    archive = tmp_path / "dev.tar.gz"
    archive.write_bytes(
        tarball(
            MODELS_DEV,
            "models.dev-dev",
            {
                "models.dev-dev/packages/web/logo.svg": b"<svg/>",  # outside models/ and providers/: not read
                "models.dev-dev/../models/evil/escape.toml": b'name = "x"',  # climbs out: never read
            },
        )
    )
    from_folder, from_tarball = models_dev_payload(), models_dev_payload(archive)
    assert hashlib.sha256(from_folder).digest() == hashlib.sha256(from_tarball).digest()
    tree = parse_models_dev_tree(from_tarball)
    assert sorted(tree.models) == ["acme/rocket-9", "anthropic/claude-sonnet-4-0", "openai/gpt-oss-20b"]
    assert tree.pointers == {
        "anthropic/claude-sonnet-4-0": ["claude-sonnet-4-20250514"],
        "openai/gpt-oss-20b": ["openai/gpt-oss-20b"],
    }
    assert tree.provider_docs == {"openai": "https://platform.openai.com/docs/models"}
    oss = tree.models["openai/gpt-oss-20b"]
    assert (oss.release_date, oss.knowledge_cutoff, oss.open_weights, oss.weights_url) == (
        "2025-08-05",
        "2024-06",
        True,
        "https://huggingface.co/openai/gpt-oss-20b",
    )
    assert tree.models["acme/rocket-9"].release_date == "2026-01"  # a month is kept as a month


def test_models_dev_benchmarks_link_through_pointers_with_evaluator_unit_and_id(bundled_normalized):
    routes = bundled_normalized.tables["routes"]
    resolver = default_resolver()
    tree = parse_models_dev_tree(models_dev_payload())
    # claude-sonnet-4-0 alone is claude-sonnet-4.0, which no route has; the route pointing at the file says which
    assert resolver.resolve_name("anthropic/claude-sonnet-4-0")[0] == "claude-sonnet-4.0"
    benchmarks, unmatched, rates = link(
        models_dev.parse(models_dev_payload()).scores, routes, resolver, {"models_dev": tree.pointers}
    )
    got = {(r["benchmark"], r["base_model"]): r for r in benchmarks.to_pylist()}
    aider = got[("aider_polyglot", "claude-sonnet-4")]
    assert (aider["evaluator"], aider["unit"], aider["score"], aider["source_model"]) == (
        "third_party",
        "percent",
        61.3,
        "anthropic/claude-sonnet-4-0",
    )
    terminal = got[("terminal_bench_2.1", "claude-sonnet-4")]  # the version makes it its own benchmark
    assert (terminal["evaluator"], terminal["benchmark_name"]) == ("self_reported", "Terminal-Bench 2.1")
    pro = got[("swe_bench_pro", "gpt-oss-20b")]
    assert (pro["variant"], pro["evaluator"]) == ("public", "third_party")
    assert "models.dev" in pro["attribution"] and "MIT" in pro["attribution"]
    assert [(u["source_model"], u["reason"]) for u in unmatched.to_pylist()] == [
        ("acme/rocket-9", "no route of the catalog has this base model")
    ]
    assert rates == {"models_dev": {"matched": 4, "rows": 5, "match_rate": 0.8}}


def test_one_figure_from_three_sources_is_published_once_and_different_figures_stay(bundled_normalized):
    routes = bundled_normalized.tables["routes"]
    tree = parse_models_dev_tree(models_dev_payload())
    rows = (
        parse_model_cards(MODEL_CARDS_CSV.read_bytes())
        + models_dev.parse(models_dev_payload()).scores
        + llm_stats.parse(llm_stats_payload()).scores
    )
    benchmarks, unmatched, rates = link(rows, routes, default_resolver(), {"models_dev": tree.pointers})
    oss = [r for r in benchmarks.to_pylist() if r["base_model"] == "gpt-oss-20b"]
    gpqa = [r for r in oss if r["benchmark"] == "gpqa_diamond"]
    assert len(gpqa) == 1  # model card 71.5, models.dev 71.5, LLM Stats' "GPQA" 0.715
    assert (gpqa[0]["source"], gpqa[0]["reported_by"], gpqa[0]["variant"]) == (
        "model_cards",
        ["llm_stats", "model_cards", "models_dev"],
        "no tools",
    )
    aime = sorted((r["score"], r["variant"] or r["metric"], r["source"]) for r in oss if r["benchmark"] == "aime_2025")
    assert aime == [(91.7, "no tools", "model_cards"), (98.3, "with tools", "llm_stats")]
    cfeval = next(r for r in oss if r["benchmark"] == "cfeval")  # max_score 3000: not a fraction, kept as it is
    assert (cfeval["unit"], cfeval["score"], cfeval["evaluator"]) == ("score", 2000.0, "third_party")
    assert cfeval["source_url"] == "https://llm-stats.com/models/gpt-oss-20b"
    # a 0..1 figure of that same benchmark is not on its scale: a benchmark of its own, as a fraction
    normalized = next(r for r in oss if r["benchmark"] == "cfeval_normalized")
    assert (normalized["unit"], normalized["score"], normalized["benchmark_name"]) == (
        "fraction",
        0.66,
        "CFEval (normalized)",
    )
    assert all(
        r["attribution"] == "LLM Stats (https://llm-stats.com), CC BY 4.0"
        for r in benchmarks.to_pylist()
        if r["source"] == "llm_stats"
    )
    # the reference page's model-card rows are all still there, untouched
    cards = {(r["benchmark"], r["score"]) for r in oss if r["source"] == "model_cards"}
    assert cards == {
        ("swe_bench_verified", 60.7),
        ("codeforces", 2516.0),
        ("aime_2025", 91.7),
        ("gpqa_diamond", 71.5),
        ("mmlu", 85.3),
        ("healthbench", 42.5),
    }
    assert {(u["source"], u["source_model"]) for u in unmatched.to_pylist()} == {
        ("models_dev", "acme/rocket-9"),
        ("llm_stats", "acme-1"),
    }


def test_the_models_table_takes_each_field_from_the_first_source_that_says_it(bundled_normalized):
    routes = bundled_normalized.tables["routes"]
    bases = set(routes.column("base_model").to_pylist())
    rows, counts = model_metadata.candidates(
        bases,
        default_resolver(),
        {
            "models_dev_metadata": models_dev_metadata.parse(gzip.decompress(BUNDLED_MODELSDEV_DB.read_bytes())),
            "models_dev": models_dev.parse(models_dev_payload()),
            "llm_stats": llm_stats.parse(llm_stats_payload()),
        },
    )
    table = model_metadata.build(routes, rows, ATTRIBUTIONS)
    assert table.num_rows == len(bases)
    models = {r["base_model"]: r for r in table.to_pylist()}
    oss = models["gpt-oss-20b"]
    assert (oss["display_name"], oss["release_date"], oss["parameter_count"], oss["open_weights"]) == (
        "GPT OSS 20B",
        "2025-08-05",
        20_900_000_000,
        True,
    )
    assert oss["docs_url"] == "https://platform.openai.com/docs/models/gpt-oss-20b"
    assert dict(oss["provenance"]) | {} == {
        "display_name": "models_dev",
        "release_date": "models_dev",
        "knowledge_cutoff": "models_dev",
        "open_weights": "models_dev",
        "weights_url": "models_dev",
        "parameter_count": "llm_stats",
        "docs_url": "llm_stats",
        "family": "resolver",
    }
    assert oss["family"] == "gpt-oss" and oss["routes"] >= 20
    assert oss["attribution"] == [
        "LLM Stats (https://llm-stats.com), CC BY 4.0",
        "models.dev (https://github.com/anomalyco/models.dev), MIT",
    ]
    sonnet = models["claude-sonnet-4"]  # placed by the pointer of the route serving the model file
    assert (sonnet["release_date"], sonnet["knowledge_cutoff"]) == ("2025-05-22", "2025-03-31")
    assert counts["models_dev"] == (2, 3) and counts["llm_stats"] == (1, 2)


def test_the_bundled_models_dev_data_match_their_source_json_and_date_most_chat_models(bundled_normalized):
    for bundled, source_json in (
        (BUNDLED_MODELSDEV_DB, BUNDLED_MODELSDEV_SOURCE),
        (BUNDLED_MODELSDEV_API, BUNDLED_MODELSDEV_API_SOURCE),
    ):
        meta = json.loads(source_json.read_text())
        data = gzip.decompress(bundled.read_bytes())
        assert (hashlib.sha256(data).hexdigest(), len(data), meta["licence"]) == (
            meta["sha256"],
            meta["size_bytes"],
            "MIT",
        )
    served, docs, _ = parse_models_dev_metadata(gzip.decompress(BUNDLED_MODELSDEV_DB.read_bytes()))
    assert len(served) > 6000 and docs["openai"].startswith("https://")
    api, left_out = parse_models_dev_api(gzip.decompress(BUNDLED_MODELSDEV_API.read_bytes()))
    assert len(api) > 4000
    # upstream's few impossible dates are left out, each named, not guessed at
    assert {
        "entry": "scaleway/qwen3-embedding-8b",
        "field": "release_date",
        "value": "2025-25-11",
        "rule": "date_unparseable",
        "message": "expected YYYY-MM or YYYY-MM-DD, got '2025-25-11'",
    } in left_out and len(left_out) < 20
    routes = bundled_normalized.tables["routes"]
    rows, _ = model_metadata.candidates(
        set(routes.column("base_model").to_pylist()),
        default_resolver(),
        {
            "models_dev_metadata": ParsedSource("models_dev_metadata", models=served, provider_docs=docs),
            "models_dev_api": ParsedSource("models_dev_api", models=api),
        },
    )
    models = {r["base_model"]: r for r in model_metadata.build(routes, rows, ATTRIBUTIONS).to_pylist()}
    gpt_4o = models["gpt-4o"]
    assert (gpt_4o["knowledge_cutoff"], gpt_4o["open_weights"], gpt_4o["release_date"]) == (
        "2023-09",
        False,
        "2024-05-13",
    )
    assert dict(gpt_4o["provenance"])["knowledge_cutoff"] == "models_dev_metadata"  # the newer bundle first
    assert dict(gpt_4o["provenance"])["release_date"] == "models_dev_api"  # the only bundle with dates
    # the docs link of the lab that makes the model, not of a host serving it: nvidia's NIM serves gpt-oss-20b and
    # OpenAI does not, so the bundled data has no official docs for it
    assert models["gpt-4o"]["docs_url"] == docs["openai"]
    assert models["gpt-oss-20b"]["docs_url"] is None
    # served copies vote: one provider's placeholder or wrong date does not win
    assert models["gpt-oss-20b"]["release_date"] == "2025-08-05"
    assert models["llama-3.3-70b"]["release_date"] == "2024-12-06"
    chat = [r for r in routes.to_pylist() if r["mode"] == "chat" and not r["duplicate_of"]]
    assert sum(1 for r in chat if models[r["base_model"]]["display_name"]) / len(chat) > 0.6
    assert sum(1 for r in chat if models[r["base_model"]]["release_date"]) / len(chat) > 0.5


def test_a_changed_api_json_fails_naming_the_entry():
    with pytest.raises(BrokenPayloadError, match="source models_dev_api, entry 'openai', field 'models'"):
        parse_models_dev_api(b'{"openai": {"models": ["gpt-4o"]}}')
    with pytest.raises(BrokenPayloadError, match="entry 'openai/gpt-4o', field 'open_weights': expected bool"):
        parse_models_dev_api(b'{"openai": {"models": {"gpt-4o": {"open_weights": "no"}}}}')


def _copy(src: Path, dst: Path) -> Path:
    for path in src.rglob("*"):
        if path.is_file():
            (dst / path.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
            (dst / path.relative_to(src)).write_bytes(path.read_bytes())
    return dst


@pytest.mark.parametrize(
    "source, file, text, message",
    [
        (
            "models_dev",
            "models/openai/gpt-oss-20b.toml",
            'name = "x\n',
            "entry 'models/openai/gpt-oss-20b.toml': not valid TOML",
        ),
        (
            "models_dev",
            "models/openai/gpt-oss-20b.toml",
            'name = "x"\n[[benchmarks]]\nname = "MMLU"\nscore = "high"\nsource = "https://x.test"\n',
            "entry 'models/openai/gpt-oss-20b.toml', field 'benchmarks[0].score': expected float, got 'high'",
        ),
        (
            "models_dev",
            "models/openai/gpt-oss-20b.toml",
            'name = "x"\nrelease_date = "last summer"\n',
            "entry 'models/openai/gpt-oss-20b.toml', field 'release_date': expected YYYY-MM or YYYY-MM-DD",
        ),
        (
            "models_dev",
            "providers/groq/models/openai/gpt-oss-20b.toml",
            'base_model = "gpt-oss-20b"\n',
            "entry 'providers/groq/models/openai/gpt-oss-20b.toml', field 'base_model': expected '<lab>/<model>'",
        ),
        (
            "llm_stats",
            "data/organizations/openai/models/gpt-oss-20b/model.json",
            '{"name": "x"}',
            "entry 'data/organizations/openai/models/gpt-oss-20b/model.json', field 'model_id': missing",
        ),
        (
            "llm_stats",
            "data/organizations/openai/models/gpt-oss-20b/benchmarks.json",
            '[{"benchmark_id": "gpqa", "benchmark_name": "GPQA", "score": "0.7", "is_self_reported": true}]',
            "entry 'data/organizations/openai/models/gpt-oss-20b/benchmarks.json', field '[0].score': expected float",
        ),
        (
            "llm_stats",
            "data/organizations/openai/models/gpt-oss-20b/benchmarks.json",
            '{"scores": []}',
            "entry 'data/organizations/openai/models/gpt-oss-20b/benchmarks.json': expected a list of scores",
        ),
    ],
)
def test_a_changed_shape_fails_naming_source_entry_and_field(tmp_path, source, file, text, message):
    folder = _copy(MODELS_DEV if source == "models_dev" else LLM_STATS, tmp_path / source)
    (folder / file).write_text(text)
    parse = models_dev.parse if source == "models_dev" else llm_stats.parse
    payload = (models_dev_payload if source == "models_dev" else llm_stats_payload)(folder)
    with pytest.raises(SourceError) as raised:
        parse(payload, source=f"{source} ({folder})")
    assert f"source {source} ({folder}), {message}" in str(raised.value)


def test_broken_models_dev_metadata_and_tarballs_are_refused(tmp_path):
    with pytest.raises(BrokenPayloadError, match="source models_dev_metadata: not an SQLite database"):
        parse_models_dev_metadata(b"<html>")
    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE models (id TEXT)")
    with pytest.raises(BrokenPayloadError, match="lacks the models.dev tables or columns"):
        parse_models_dev_metadata(db.read_bytes())
    bad = tmp_path / "dev.tar.gz"
    bad.write_bytes(gzip.compress(b"not a tar archive at all" * 40))
    with pytest.raises(BrokenPayloadError, match="not a readable tarball"):
        models_dev_payload(bad)
    empty = tmp_path / "empty.tar.gz"
    empty.write_bytes(tarball(LLM_STATS, "llm-leaderboard-main"))  # a tarball of another repository
    with pytest.raises(BrokenPayloadError, match="no files under the expected paths"):
        models_dev_payload(empty)
    # a broken payload is never replaced by the last good one
    with pytest.raises(BrokenPayloadError):
        ingest(BY_NAME["models_dev"], str(empty), raw_dir=tmp_path / "raw")


@pytest.mark.parametrize(
    "source, folder, members",
    [("models_dev", MODELS_DEV, MODELS_DEV_MEMBERS), ("llm_stats", LLM_STATS, LLM_STATS_MEMBERS)],
)
@pytest.mark.slow  # a real sync
def test_an_unreachable_tree_falls_back_to_its_last_good_payload(tmp_path, source, folder, members):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyServer)
    server.body, server.up = tarball(folder, "repo-main"), True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/archive/main.tar.gz"
    read = partial(read_tree, members=members)
    try:
        unused = lambda: pytest.fail("the fallback was looked up though the source answered")  # noqa: E731
        first = ingest(BY_NAME[source], url, raw_dir=tmp_path, previous=unused)
        server.up = False
        second = ingest(BY_NAME[source], url, raw_dir=tmp_path, previous=lambda: first)
        third = ingest(BY_NAME[source], url, raw_dir=tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert first["status"] == "fetched" and first["origin"] == url
    assert (second["status"], second["sha256"]) == ("fallback", first["sha256"])
    assert "HTTP 503" in second["note"] or "kept failing" in second["note"]
    assert third["status"] == "skipped" and "no earlier payload" in third["note"]
    local = store_raw(read(folder, source=source), raw_dir=tmp_path / "x", source=source, origin="x")
    assert local.sha256 == first["sha256"]  # the same files, served or on disk, are the same payload
