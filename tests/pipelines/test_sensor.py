"""The upstream sensor against a real HTTP server on 127.0.0.1, with Dagster's sensor testing API."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from assets.resources import CatalogSettings, WarehouseResource
from pipelines.cli import main
from pipelines.definitions import defs
from pipelines.sensors import upstream_sensor

MAP = b'{"deepinfra/openai/gpt-oss-20b": {"input_cost_per_token": 3e-08, "litellm_provider": "deepinfra"}}'


class Upstream(BaseHTTPRequestHandler):
    """Serves ``server.body``; with ``server.validators`` it states an ETag (the body's hash) and Last-Modified."""

    def _head(self):
        server = self.server
        self.send_response(200)
        self.send_header("Content-Length", str(len(server.body)))
        if server.validators:
            self.send_header("ETag", f'"{hashlib.md5(server.body).hexdigest()}"')
            self.send_header("Last-Modified", "Tue, 24 Nov 2026 06:00:00 GMT")
        self.end_headers()

    def do_HEAD(self):  # noqa: N802 - the http.server API
        self.server.heads += 1
        self._head()

    def do_GET(self):  # noqa: N802
        self.server.gets += 1
        self._head()
        self.wfile.write(self.server.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    server.body, server.validators, server.heads, server.gets = MAP, True, 0, 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/model_prices_and_context_window.json"
    server.shutdown()
    server.server_close()


def tick(tmp_path, url, cursor=None):
    """One evaluation on a fresh instance (as after a restart), given the cursor Dagster stored."""
    (tmp_path / "_dagster").mkdir(exist_ok=True)
    instance = dg.DagsterInstance.local_temp(tempdir=str(tmp_path / "_dagster"))
    catalog = CatalogSettings(locations={"litellm": url, "aider": "off"})
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"catalog": catalog, "warehouse": WarehouseResource(path=str(tmp_path))},
    )
    result = upstream_sensor(context)
    return result, context.cursor


def test_the_sensor_is_stopped_by_default_and_targets_the_sync_job():
    sensor = defs.resolve_sensor_def("upstream_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert sensor.job_name == "sync"


def test_requests_a_run_only_when_upstream_changed_and_keeps_its_cursor(tmp_path, upstream):
    server, url = upstream
    first, cursor = tick(tmp_path, url)  # nothing published yet: the payload is new
    assert isinstance(first, dg.RunRequest) and first.tags["llm_catalog/changed"] == "litellm"
    assert json.loads(cursor)["litellm"]["sha256"] == hashlib.sha256(MAP).hexdigest()
    assert (server.heads, server.gets) == (1, 1)

    again, cursor = tick(tmp_path, url, cursor)  # same ETag and Last-Modified: a HEAD, no download, no run
    assert isinstance(again, dg.SkipReason) and "unchanged by HEAD" in again.skip_message
    assert (server.heads, server.gets) == (2, 1)

    server.body = MAP.replace(b"3e-08", b"4e-08")  # upstream moves: a new ETag, so it downloads and compares
    moved, cursor = tick(tmp_path, url, cursor)
    assert isinstance(moved, dg.RunRequest) and moved.run_key != first.run_key
    assert (server.heads, server.gets) == (3, 2)
    assert json.loads(cursor)["litellm"]["sha256"] == hashlib.sha256(server.body).hexdigest()


def test_without_validators_it_compares_the_sha256(tmp_path, upstream):
    server, url = upstream
    server.validators = False
    _, cursor = tick(tmp_path, url)
    same, cursor = tick(tmp_path, url, cursor)  # no ETag, no Last-Modified: download, same sha256, no run
    assert isinstance(same, dg.SkipReason) and "compared sha256" in same.skip_message
    assert server.gets == 2


@pytest.mark.slow  # a real sync
def test_a_first_tick_on_an_up_to_date_warehouse_requests_nothing(tmp_path, upstream, small_map):
    server, url = upstream
    server.body = json.dumps(small_map).encode()  # sixty real entries
    assert main(["sync", "--warehouse", str(tmp_path), "--litellm", url, "--quiet"]) == 0
    result, cursor = tick(tmp_path, url)  # no cursor: the baseline is the sha256 in the current snapshot
    assert isinstance(result, dg.SkipReason)
    assert json.loads(cursor)["litellm"]["etag"]


def test_an_unreachable_source_is_not_a_change(tmp_path):
    result, cursor = tick(tmp_path, "http://127.0.0.1:9/model_prices_and_context_window.json")
    assert isinstance(result, dg.SkipReason) and "connect failed" in result.skip_message
    assert json.loads(cursor) == {}


def test_the_sensor_watches_every_remote_source_of_the_registry_by_its_one_precedence(monkeypatch):
    from llm_catalog.registry import SOURCES
    from pipelines.sensors import remote_sources

    everywhere = CatalogSettings(locations={s.name: f"https://example.test/{s.name}" for s in SOURCES})
    monkeypatch.setenv("ARTIFICIAL_ANALYSIS_API_KEY", "k")
    watched = remote_sources(everywhere)
    assert list(watched) == [s.name for s in SOURCES]  # every source, in the registry's order
    assert watched["artificial_analysis"] == ("https://example.test/artificial_analysis", {"x-api-key": "k"})
    monkeypatch.delenv("ARTIFICIAL_ANALYSIS_API_KEY")
    assert "artificial_analysis" not in remote_sources(everywhere)  # the sync would skip it: nothing to watch
    # the defaults: bundled copies and the curated file are not remote; an environment variable beats the upstream
    monkeypatch.setenv("LLM_CATALOG_AIDER", "https://mirror.test/aider.yml")
    monkeypatch.delenv("LLM_CATALOG_MODELS_DEV", raising=False)  # (the test session points these at local copies)
    monkeypatch.delenv("LLM_CATALOG_LLM_STATS", raising=False)
    monkeypatch.delenv("LLM_CATALOG_OPENROUTER", raising=False)
    defaults = remote_sources(CatalogSettings())
    assert set(defaults) == {"aider", "models_dev", "llm_stats", "openrouter"}
    assert defaults["openrouter"] == ("https://openrouter.ai/api/v1/models", None)  # read live, as the sync does
    assert defaults["aider"] == ("https://mirror.test/aider.yml", None)
    assert defaults["models_dev"][0] == next(s.upstream for s in SOURCES if s.name == "models_dev")
