"""Running unattended: an unchanged sync does nothing downstream, downloads have a deadline, progress and --quiet,
and a run's scratch space goes away. Everything through the real command line."""

from __future__ import annotations

import fcntl
import os
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest
from conftest import copy_warehouse
from dagster._core.events import DagsterEventType

from llm_catalog.errors import SourceError
from llm_catalog.registry import SOURCES
from llm_catalog.sources.fetch import fetch_url
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # end to end: unattended syncs, deadlines and locks


def run_events(warehouse, run_id: str, kind: DagsterEventType) -> list:
    instance = dg.DagsterInstance.local_temp(tempdir=str(warehouse / "_dagster"))
    return [r.dagster_event for r in instance.all_logs(run_id, of_type=kind)]


def test_an_unchanged_sync_materializes_nothing_downstream_and_publishes_nothing(synced_warehouse, tmp_path, capsys):
    synced = copy_warehouse(synced_warehouse, tmp_path / "wh")  # the session's warehouse is shared: sync into a copy
    warehouse = Warehouse(synced)
    before = (warehouse.current_id(), warehouse.snapshot_ids())
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(synced)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"nothing changed: sources and code match snapshot {before[0]}")
    run_id = re.search(r"\(run ([0-9a-f-]+)\)", out).group(1)
    # the run is recorded: it materialized nothing, observed the four sources, and skipped every heavy step
    assert run_events(synced, run_id, DagsterEventType.ASSET_MATERIALIZATION) == []
    observed = {e.asset_key.to_user_string() for e in run_events(synced, run_id, DagsterEventType.ASSET_OBSERVATION)}
    assert (
        observed == {s.asset for s in SOURCES} and "models_dev_tree" in observed
    )  # every source, the model metadata too
    skipped = {e.step_key for e in run_events(synced, run_id, DagsterEventType.STEP_SKIPPED)}
    assert {
        "litellm_tables",
        "validation",
        "similarity_tables",
        "snapshot_plan",
        "history_tables",
        "history_validation",
        "catalog_snapshot",
    } <= skipped
    assert (warehouse.current_id(), warehouse.snapshot_ids()) == before
    assert "litellm_cost_map unchanged" in err and "similarity_tables" not in err  # the stage lines
    assert not (synced / "_io" / "runs" / run_id).exists()


def test_quiet_prints_nothing_when_all_is_well(synced_warehouse, tmp_path, capsys):
    synced = copy_warehouse(synced_warehouse, tmp_path / "wh")
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(synced), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


class Trickle(BaseHTTPRequestHandler):
    """Promises 1,000 bytes and sends one a second."""

    def do_GET(self):  # noqa: N802 - the http.server API
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(1000):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def trickle_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/model_prices_and_context_window.json"
    server.shutdown()
    server.server_close()


def test_a_trickling_download_is_cut_at_the_deadline_and_the_lock_is_free(tmp_path, trickle_url, capsys):
    started = time.monotonic()
    code = main(["sync", "--warehouse", str(tmp_path), "--litellm", trickle_url, "--download-deadline", "3"])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 1
    assert "was too slow" in err and "stopped at the 3s download deadline" in err and trickle_url in err
    assert 3 <= elapsed < 15
    assert Warehouse(tmp_path).current_id() is None
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)  # the lock is on the warehouse folder itself
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError if anyone still held it
    finally:
        os.close(fd)


@pytest.fixture
def silent_url():
    """A server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/map.json"
    stop.set()
    for conn in held:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_says_no_answer(silent_url):
    started = time.monotonic()
    with pytest.raises(SourceError, match="connected, but no answer within 0.5s") as raised:
        fetch_url(silent_url, source="litellm", timeout=(1.0, 0.5), retries=1, backoff=0.01)
    assert "could not connect" not in str(raised.value)
    assert time.monotonic() - started < 5
    with pytest.raises(SourceError, match="no answer .* within the 1s download deadline"):
        fetch_url(silent_url, source="litellm", timeout=(1.0, 30.0), deadline=1.0)


def test_a_refused_connection_says_connect_failed():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError, match="connect failed"):
        fetch_url(f"http://127.0.0.1:{port}/map.json", source="litellm", retries=0)


def test_a_successful_run_removes_its_scratch_space_and_gc_removes_what_failed_runs_left(tmp_path, small_map, capsys):
    import json

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(small_map))
    broken = {k: dict(v) for k, v in small_map.items()}
    for entry in list(broken.values())[:30]:  # half the entries with a broken price: the reject-share guard blocks
        entry["input_cost_per_token"] = "free"
    bad.write_text(json.dumps(broken))
    root = tmp_path / "wh"
    runs = root / "_io" / "runs"
    assert main(["sync", "--warehouse", str(root), "--litellm", str(good), "--quiet"]) == 0
    assert not runs.exists() or list(runs.iterdir()) == []  # the published run cleaned up after itself
    assert main(["sync", "--warehouse", str(root), "--litellm", str(bad), "--quiet"]) == 1
    left = list(runs.iterdir())
    assert len(left) == 1 and any(left[0].rglob("*.parquet"))  # a failed run keeps its tables to look at
    capsys.readouterr()
    assert main(["gc", "--warehouse", str(root)]) == 0
    assert "1 finished run(s)' scratch space removed" in capsys.readouterr().out
    assert list(runs.iterdir()) == [] and Warehouse(root).current_id() is not None
