"""The loader: local files, HTTP on a real server on 127.0.0.1 (retries, timeouts, errors), the raw store."""

import gzip
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from llm_catalog.errors import SourceError
from llm_catalog.registry import BY_NAME
from llm_catalog.sources.fetch import RawPayload, fetch_url, read_location, store_raw
from llm_catalog.sources.source import ingest

BODY = b'{"deepinfra/openai/gpt-oss-20b": {"input_cost_per_token": 3e-08, "litellm_provider": "deepinfra"}}'


class Scripted(BaseHTTPRequestHandler):
    """Answers each GET with the next (status, body, delay) of the server's script; the last one repeats."""

    def do_GET(self):  # noqa: N802 - the http.server API
        server = self.server
        server.hits += 1
        status, body, delay = server.script[min(server.hits, len(server.script)) - 1]
        time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    servers = []

    def start(*script):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
        server.script, server.hits = list(script), 0
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server, f"http://127.0.0.1:{server.server_address[1]}/model_prices_and_context_window.json"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_fetches_over_http(http_server):
    server, url = http_server((200, BODY, 0))
    assert read_location(url, source="litellm") == BODY
    assert server.hits == 1


def test_retries_server_errors_with_backoff_then_succeeds(http_server):
    server, url = http_server((503, b"busy", 0), (502, b"busy", 0), (200, BODY, 0))
    assert fetch_url(url, source="litellm", backoff=0.01) == BODY
    assert server.hits == 3


def test_gives_up_after_the_retries_with_a_clear_error(http_server):
    server, url = http_server((500, b"down", 0))
    with pytest.raises(SourceError) as raised:
        fetch_url(url, source="litellm", retries=2, backoff=0.01)
    assert server.hits == 3  # the first try and two retries
    assert "source litellm" in str(raised.value) and url in str(raised.value) and "after 2 retries" in str(raised.value)


def test_a_client_error_is_not_retried(http_server):
    server, url = http_server((404, b"not found", 0))
    with pytest.raises(SourceError, match="HTTP 404"):
        fetch_url(url, source="litellm", backoff=0.01)
    assert server.hits == 1


def test_a_slow_server_times_out(http_server):
    server, url = http_server((200, BODY, 2.0))
    started = time.monotonic()
    with pytest.raises(SourceError, match="connected, but no answer within 0.2s"):
        fetch_url(url, source="litellm", timeout=0.2, retries=1, backoff=0.01)
    assert time.monotonic() - started < 4.5
    assert server.hits == 2


def test_a_closed_port_is_a_connection_error():
    with pytest.raises(SourceError, match="connect failed"):
        fetch_url("http://127.0.0.1:9/map.json", source="litellm", retries=1, backoff=0.01)


def test_a_host_that_does_not_resolve_is_not_retried():
    # .invalid never resolves (RFC 6761): with this backoff, one retry alone would wait 10 s
    started = time.monotonic()
    with pytest.raises(SourceError, match="its host name does not resolve \\(not retried\\)"):
        fetch_url("http://catalog-source.invalid/map.json", source="litellm", retries=3, backoff=5)
    assert time.monotonic() - started < 5


def test_payload_size_limit(http_server, tmp_path):
    _, url = http_server((200, b"x" * 5000, 0))
    with pytest.raises(SourceError, match="larger than the 1000 byte limit"):
        fetch_url(url, source="litellm", max_bytes=1000)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 5000)
    with pytest.raises(SourceError, match="larger than"):
        read_location(str(big), source="litellm", max_bytes=1000)


def test_local_files_plain_and_gzipped(tmp_path):
    plain, packed = tmp_path / "map.json", tmp_path / "map.json.gz"
    plain.write_bytes(BODY)
    packed.write_bytes(gzip.compress(BODY))
    assert read_location(str(plain), source="litellm") == BODY
    assert read_location(str(packed), source="litellm") == BODY
    with pytest.raises(SourceError, match="no such file"):
        read_location(str(tmp_path / "missing.json"), source="litellm")


def test_raw_payloads_are_content_addressed_and_written_once(tmp_path):
    first = store_raw(BODY, raw_dir=tmp_path, source="litellm", origin="a")
    second = store_raw(BODY, raw_dir=tmp_path, source="litellm", origin="b")
    digest = hashlib.sha256(BODY).hexdigest()
    assert first.sha256 == second.sha256 == digest
    assert first.stored_path.endswith(f"litellm/{digest}.gz")
    assert list((tmp_path / "litellm").iterdir()) == [tmp_path / "litellm" / f"{digest}.gz"]
    assert first.read_bytes() == BODY


def test_ingest_of_the_bundled_map_checks_its_recorded_sha256(tmp_path):
    payload = RawPayload.from_dict(ingest(BY_NAME["litellm"], "", raw_dir=tmp_path))
    assert payload.origin.startswith("bundled:litellm==") and payload.version
    assert payload.read_bytes()[:1] == b"{"


def test_ingest_from_a_url_records_the_url(http_server, tmp_path):
    _, url = http_server((200, BODY, 0))
    payload = RawPayload.from_dict(ingest(BY_NAME["litellm"], url, raw_dir=tmp_path))
    assert payload.origin == url and payload.size_bytes == len(BODY)
