"""Shared fixtures: the real bundled cost map, and one warehouse synced from it for the whole session."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

# no test reaches the internet: the aider leaderboard's default is its upstream URL, so tests turn it off unless a
# test points it at a file or a server on 127.0.0.1
os.environ.setdefault("LLM_CATALOG_AIDER", "off")
os.environ.setdefault("LLM_CATALOG_MODELS_DEV", "off")  # the same for models.dev's and LLM Stats' trees
os.environ.setdefault("LLM_CATALOG_LLM_STATS", "off")
os.environ.setdefault("LLM_CATALOG_OPENROUTER", "off")  # and OpenRouter's models API (models.dev stands in)

from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.litellm.payload import parse_payload
from llm_catalog.paths import BUNDLED_LITELLM_MAP
from pipelines.cli import main

# the real-browser fixtures (`browser`, `artifact_dir`) of tests/browser.py, for every test folder
pytest_plugins = ["browser"]

# what makes a test slow: it needs a real sync of the bundled data, a built site or the browser (`pytest -m "not slow"`
# leaves them out); tests that are slow for another reason (a subprocess, fault injection) say so with
# `pytestmark = pytest.mark.slow`
SLOW_FIXTURES = frozenset({"synced_warehouse", "built_site", "hostile_warehouse", "browser"})


# the suite runs on two workers (pytest-xdist, `-n 2`); the costly session fixtures (a sync, a site) are built once
# for both (shared_folder)
def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def shared_folder(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder ``name``, made by ``build(folder)`` once for the whole run: under pytest-xdist the first worker to
    ask builds it in the run's base folder, under a lock, and the others wait for it and reuse it (the pattern of
    xdist's docs). Its users only read it: a test that writes into it works on a copy (copy_warehouse)."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:  # one process: its own folder
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    # in the run's base folder, beside the workers' own (popen-gwN): the controller makes it anew at each start, so
    # nothing is reused from an earlier run, and removes it after a passed run as before
    shared = tmp_path_factory.getbasetemp().parent / "shared"
    shared.mkdir(exist_ok=True)
    folder, built = shared / name, shared / f"{name}.built"
    with FileLock(shared / f"{name}.lock"):
        if not built.exists():  # a build that failed left no mark: the next user builds again (and fails alike)
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            built.touch()
    return folder


@pytest.fixture(scope="session")
def bundled_bytes() -> bytes:
    return gzip.decompress(BUNDLED_LITELLM_MAP.read_bytes())


@pytest.fixture(scope="session")
def bundled_map(bundled_bytes) -> dict:
    return json.loads(bundled_bytes)


@pytest.fixture(scope="session")
def bundled_normalized(bundled_bytes):
    entries, duplicates = parse_payload(bundled_bytes)
    return normalize(entries, duplicates=duplicates)


@pytest.fixture(scope="session")
def bundled_catalog(tmp_path_factory):
    """Every bundled pricing source, ingested, normalized and reconciled as a sync does (the catalog's tables)."""
    from llm_catalog.normalized.pricing import normalize_source
    from llm_catalog.reconciliation.catalog import reconcile_sources
    from llm_catalog.registry import PRICING
    from llm_catalog.sources.source import ingest

    raw = tmp_path_factory.mktemp("raw")
    payloads = {s.name: ingest(s, "off" if s.bundled is None else "", raw_dir=raw) for s in PRICING}
    normalized = {s.name: normalize_source(s, payloads[s.name]).tables for s in PRICING}
    return reconcile_sources(normalized, payloads)


@pytest.fixture(scope="session")
def synced_warehouse(tmp_path_factory):
    """A warehouse after `llm-catalog sync` of the bundled map (the README's `make sync`)."""

    def sync(root: Path) -> None:
        assert main(["sync", "--warehouse", str(root)]) == 0

    return shared_folder(tmp_path_factory, "warehouse", sync)


def write_map(path, entries: dict) -> str:
    path.write_text(json.dumps(entries))
    return str(path)


def copy_warehouse(source: Path, target: Path) -> Path:
    """A copy of the warehouse at ``source`` at ``target``, as it is on disk (a sync into the copy goes on from it)."""
    shutil.copytree(source, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def small_map(bundled_map) -> dict:
    """Sixty real entries of the bundled map, including deepinfra/openai/gpt-oss-20b: a quick map of real shape."""
    keys = [
        k
        for k, v in bundled_map.items()
        if isinstance(v, dict) and "litellm_provider" in v and "mode" in v and k != "sample_spec"
    ][:59]
    return {k: bundled_map[k] for k in [*keys, "deepinfra/openai/gpt-oss-20b"]}


@pytest.fixture(scope="session")
def small_synced(small_map, tmp_path_factory) -> Path:
    """A warehouse synced once from the small map (and the other bundled sources) under umask 022, as a user's,
    for the session: a test that syncs into a warehouse or changes it works on a copy (copy_warehouse) rather than
    paying for a sync of its own (each is over a minute)."""

    def sync(root: Path) -> None:
        path = write_map(root / "small.json", small_map)
        umask = os.umask(0o022)
        try:
            assert main(["sync", "--warehouse", str(root / "wh"), "--litellm", path, "--quiet"]) == 0
        finally:
            os.umask(umask)

    return shared_folder(tmp_path_factory, "small-synced", sync) / "wh"


@pytest.fixture(scope="session")
def medium_map(bundled_map) -> dict:
    """400 real entries, deepinfra/openai/gpt-oss-20b last: one broken entry is then under the reject share that
    stops a broken source (the hostile-input tests)."""
    keys = [
        k
        for k, v in bundled_map.items()
        if isinstance(v, dict) and "litellm_provider" in v and "mode" in v and k not in ("sample_spec", ROUTE)
    ][:399]
    return {k: bundled_map[k] for k in [*keys, ROUTE]}


@pytest.fixture(scope="session")
def built_site(synced_warehouse, tmp_path_factory):
    """The site of the synced bundled map, as `llm-catalog site --out DIR` builds it."""

    def build(root: Path) -> None:
        assert main(["site", "--warehouse", str(synced_warehouse), "--out", str(root / "site"), "--quiet"]) == 0

    return shared_folder(tmp_path_factory, "site", build) / "site"


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served on 127.0.0.1, as `llm-catalog site --serve` serves it."""
    from llm_catalog.site.serve import site_server

    server = site_server(built_site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def hostile_warehouse(small_map, tmp_path_factory):
    """A hand-made map whose ids and names carry markup and URL-special characters, synced twice (a price of
    deepinfra/openai/gpt-oss-20b changes between the two days), with its site built."""

    def build(root: Path) -> None:
        base = small_map["deepinfra/openai/gpt-oss-20b"]
        entries = {**small_map, HOSTILE_SCRIPT_ID: {**base}, HOSTILE_URL_ID: {**base, "input_cost_per_token": 5e-08}}
        for day, price in (("2026-10-01", 4e-08), ("2026-11-01", 3e-08)):
            entries["deepinfra/openai/gpt-oss-20b"] = {**base, "input_cost_per_token": price}
            path = write_map(root / f"map-{day}.json", entries)
            assert _sync_as_of(root / "wh", path, day)
        assert main(["site", "--warehouse", str(root / "wh"), "--out", str(root / "site"), "--quiet"]) == 0

    return shared_folder(tmp_path_factory, "hostile", build)


HOSTILE_SCRIPT_ID = 'deepinfra/<script>alert("pwned")</script>'
# the route the site tests read, and the sections of its page in the reference page's order
ROUTE = "deepinfra/openai/gpt-oss-20b"
ROUTE_PAGE_SECTIONS = ["overview", "quick-read", "pricing", "limits", "capabilities", "benchmarks", "sources", "docs",
                       "similar", "providers", "history"]  # fmt: skip
HOSTILE_URL_ID = "deepinfra/acme/odd@2024:beta?v=1#x%20"


def _sync_as_of(warehouse, litellm: str, day: str) -> bool:
    import dagster as dg

    from pipelines.definitions import build_definitions

    job = build_definitions(warehouse=str(warehouse), litellm=litellm, as_of=day).resolve_job_def("sync")
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False).success


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on 127.0.0.1 for the session (tests/s3server.py), stopped at its end."""
    import s3server

    server = s3server.start()
    yield server
    server.process.kill()
    server.process.wait()


@pytest.fixture
def s3(s3_server, tmp_path, monkeypatch):
    """The S3 server, with this process's environment set as a client's (its keys, a region, a work folder of the
    test's own, no user AWS config): `llm-catalog --warehouse s3://...` run in-process reaches it."""
    for name, value in s3_server.env(tmp_path / "work").items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return s3_server
