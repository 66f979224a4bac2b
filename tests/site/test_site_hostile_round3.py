"""Issue 21, the site's side, through the command line: a URL from the data becomes a link only if it is an absolute
http(s) URL (defect 3); no hidden code point is rendered raw, on a page or in the index's data; `site --out` replaces
only a site of its own holding nothing else, and still replaces a site built before its marker named its format
(defect 4); `site --serve` answers malformed requests with a status and one line, never a traceback (defect 5).

The snapshot is the hostile map's (conftest.hostile_warehouse) with hostile URLs and names written straight into its
Parquet: the normalizers reject such values, and the site must be safe without them."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROUTE

from llm_catalog.site.links import route_path
from llm_catalog.site.marker import LEGACY_LAYOUT
from llm_catalog.text import hidden_code_points, web_link

pytestmark = pytest.mark.slow  # a site built through the command line, a server in a subprocess

CLI = [sys.executable, "-m", "pipelines.cli"]
REPO = Path(__file__).resolve().parents[2]
# URLs a browser would take somewhere other than where they seem to point, or run
EVIL_URLS = [
    "//evil.example/phish",
    "/\\evil.example/phish2",
    "javascript:alert(1)",
    "https:evil.example/no-slashes",
    "\\\\evil.example\\share",
    "evil.example/relative",
]
HIDDEN = "\u200b\u202e\ufeff\u2066\U0010fffe"  # zero-width space, RTL override, BOM, isolate, noncharacter
MODEL = f"openai/gpt{HIDDEN[0]}-oss-20b{HIDDEN[1]}"  # shown on the route's page, the index and its data
PROVIDER_NAME = f"Deep{HIDDEN[2]}Infra"
DISPLAY_NAME = f"GPT{HIDDEN[3]} OSS{HIDDEN[4]}"


def cli(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=REPO, **kwargs)


def tamper(warehouse: Path, table: str, change) -> int:
    """Rewrite table ``table`` of the current snapshot, row by row (``change(row, index)`` edits a row in place)."""
    current = json.loads((warehouse / "CURRENT").read_text())["snapshot_id"]
    manifest = json.loads((warehouse / "manifests" / f"{current}.json").read_text())
    path = warehouse / manifest["tables"][table]["path"]
    original = pq.read_table(path)
    rows = original.to_pylist()
    for i, row in enumerate(rows):
        change(row, i)
    path.unlink()  # a fresh file: the copy may share it with the original by a hard link
    pq.write_table(pa.Table.from_pylist(rows, schema=original.schema), path)
    return len(rows)


def _evil_route(row: dict, i: int) -> None:
    row["source_url"] = EVIL_URLS[i % len(EVIL_URLS)]
    if row["route_id"] == ROUTE:
        row["model"], row["provider_name"] = MODEL, PROVIDER_NAME


def _evil_model(row: dict, i: int) -> None:
    row["docs_url"], row["weights_url"] = EVIL_URLS[i % len(EVIL_URLS)], EVIL_URLS[(i + 1) % len(EVIL_URLS)]
    row["display_name"] = DISPLAY_NAME


def _evil_benchmark(row: dict, i: int) -> None:
    row["source_url"] = EVIL_URLS[i % len(EVIL_URLS)]


def legacy_site(built: Path, folder: Path) -> Path:
    """A copy of a built site whose marker has the shape of one built before the marker named its format."""
    shutil.copytree(built, folder)
    for path in sorted(folder.rglob("*"), reverse=True):  # what later builds add (compare.html, providers/, scripts)
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not LEGACY_LAYOUT.fullmatch(relative):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    record = json.loads((built / "site.json").read_text())
    legacy = {k: record[k] for k in ("snapshot_id", "as_of", "routes", "models", "benchmarks", "changes")}
    legacy |= {"built_at": record["built_at"], "build_seconds": record["build_seconds"]}
    (folder / "site.json").write_text(json.dumps(legacy, indent=1) + "\n")
    return folder


@pytest.fixture(scope="module")
def evil(hostile_warehouse, tmp_path_factory) -> dict:
    """The hostile warehouse with hostile URLs and names in its current snapshot, and its site built through the
    command line over a site of the old marker's shape (which the build must recognise and replace)."""
    root = tmp_path_factory.mktemp("evil")
    warehouse = root / "wh"
    shutil.copytree(hostile_warehouse / "wh", warehouse, ignore=shutil.ignore_patterns("site", "_dagster"))
    tampered = {
        "routes": tamper(warehouse, "routes", _evil_route),
        "models": tamper(warehouse, "models", _evil_model),
        "benchmarks": tamper(warehouse, "benchmarks", _evil_benchmark),
    }
    out = legacy_site(hostile_warehouse / "site", root / "site")
    (out / "routes" / "stale-00000000.html").write_text("a page the old build wrote, gone from this snapshot")
    built = cli("site", "--warehouse", str(warehouse), "--out", str(out), "--quiet")
    return {"warehouse": warehouse, "site": out, "built": built, "tampered": tampered}


class Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_a_url_from_the_data_becomes_a_link_only_if_it_is_an_absolute_http_url(evil):
    assert evil["built"].returncode == 0, evil["built"].stderr
    assert all(evil["tampered"].values()), evil["tampered"]  # every table held rows to make hostile
    site, bad = evil["site"], []
    # ~870,000 links on ~10,000 pages, ~160,000 distinct: each href is judged, and each target looked up, once
    is_web_link = cache(lambda href: web_link(href) == href)

    @cache
    def in_site(folder: Path, path: str) -> bool:
        local = (folder / path).resolve()
        return local.is_relative_to(site) and local.is_file()

    for page in pages(site):
        parser = Anchors()
        parser.feed(page.read_text())
        for href in parser.hrefs:
            if is_web_link(href):
                continue
            parts = urlsplit(href or "")
            if (
                not href
                or parts.scheme
                or parts.netloc
                or href.startswith("/")
                or "\\" in href
                or (parts.path and not in_site(page.parent, parts.path))  # no path: the page itself
            ):
                bad.append((page.relative_to(site).as_posix(), href))
    assert bad == []
    html = "\n".join(p.read_text() for p in pages(site))
    for url in EVIL_URLS:  # shown as text, not dropped
        assert f'<span class="unlinked" title="not an http(s) address, so not a link">{url}</span>' in html, url


def test_no_hidden_code_point_is_rendered_raw_on_a_page_or_in_the_index_data(evil):
    assert evil["built"].returncode == 0, evil["built"].stderr
    site = evil["site"]
    for page in pages(site):
        text = page.read_text()
        assert not [ch for ch in HIDDEN if ch in text], page
    route = (site / route_path(ROUTE)).read_text()
    assert "gpt&lt;U+200B&gt;-oss-20b&lt;U+202E&gt;" in route and "Deep&lt;U+FEFF&gt;Infra" in route
    assert "GPT&lt;U+2066&gt; OSS&lt;U+10FFFE&gt;" in route
    index = (site / "index.html").read_text()
    data = json.loads(re.search(r'<script type="application/json" id="route-data">(.*?)</script>', index).group(1))
    strings = [v for row in data["rows"] for v in row if isinstance(v, str)]
    strings += [v for row in data["rows"] for v in row if isinstance(v, list) for v in v]
    assert [s for s in strings if hidden_code_points(s)] == []
    assert "gpt<U+200B>-oss-20b<U+202E>" in strings and "Deep<U+FEFF>Infra" in strings
    assert '<option value="deepinfra">Deep&lt;U+FEFF&gt;Infra</option>' in index  # the filter matches the data


def snapshot_of(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_site_out_replaces_only_a_site_of_its_own_that_holds_nothing_else(evil, tmp_path):
    assert evil["built"].returncode == 0, evil["built"].stderr
    site, warehouse = evil["site"], str(evil["warehouse"])
    record = json.loads((site / "site.json").read_text())
    assert (record["format"], record["format_version"]) == ("llm-catalog-site", 1)
    written = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert set(record["files"]) == written - {"site.json"} and "routes/stale-00000000.html" not in written

    def folder(name: str, files: dict) -> Path:
        made = tmp_path / name
        shutil.copytree(site, made) if files.pop("_site", False) else made.mkdir()
        for relative, content in files.items():
            (made / relative).parent.mkdir(parents=True, exist_ok=True)
            (made / relative).write_text(content)
        return made

    refused = {
        # a folder that merely holds a file named site.json
        "home": (folder("home", {"site.json": "{}", "notes.txt": "mine"}), "not a site built here"),
        "lookalike": (
            folder("lookalike", {"site.json": json.dumps({"snapshot_id": "x", "routes": 1}), "thesis.tex": "x"}),
            "not a site built here",
        ),
        "newer": (
            folder("newer", {"site.json": json.dumps({"format": "llm-catalog-site", "format_version": 2})}),
            "not a site built here",
        ),
        # a site of ours with the user's files added
        "added": (folder("added", {"_site": True, "notes.txt": "mine"}), "holds notes.txt, which llm-catalog did"),
        "in_routes": (folder("in_routes", {"_site": True, "routes/mine.html": "x"}), "holds routes/mine.html"),
        "subfolder": (folder("subfolder", {"_site": True, "photos/cat.jpg": "x"}), "holds photos/"),
        "legacy_added": (
            legacy_site(site, tmp_path / "legacy_added"),
            "holds drafts.md, which llm-catalog did not write",
        ),
    }
    (refused["legacy_added"][0] / "drafts.md").write_text("mine")
    plain_file = tmp_path / "plain"
    plain_file.write_text("mine")
    refused["plain"] = (plain_file, "is not a folder")
    for name, (path, message) in refused.items():
        before = snapshot_of(path) if path.is_dir() else path.read_bytes()
        done = cli("site", "--warehouse", warehouse, "--out", str(path))
        assert done.returncode != 0, name
        assert message in done.stderr and str(path) in done.stderr, (name, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, (name, done.stderr)
        assert (snapshot_of(path) if path.is_dir() else path.read_bytes()) == before, name
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no staging left


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        answer = b""
        try:
            conn.sendall(data)
            while chunk := conn.recv(65536):
                answer += chunk
        except ConnectionResetError:  # the server answered (414) and closed before reading all of an overlong line
            pass
    return answer


MALFORMED = [
    b"GET /a\x00b HTTP/1.1\r\n\r\n",
    b"GET /index.html%00.css HTTP/1.1\r\n\r\n",
    b"GET /%00 HTTP/1.0\r\n\r\n",
    b"HEAD /routes/%00 HTTP/1.1\r\n\r\n",
    b"GET /%ed%a0%80 HTTP/1.1\r\n\r\n",  # a lone surrogate once decoded
    b"GET /%zz%4 HTTP/1.1\r\n\r\n",
    b"GET /%ff%fe HTTP/1.1\r\n\r\n",
    b"GET /\xff\xfe HTTP/1.1\r\n\r\n",
    b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
    b"GET /" + b"a" * 5_000 + b" HTTP/1.1\r\n\r\n",
    b"GET /" + b"a/" * 3_000 + b" HTTP/1.1\r\n\r\n",
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"\x00\x01\x02\x1b[2J\r\n\r\n",
    b"GET / HTTP/1.1 x\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
]


def _stop(server: subprocess.Popen) -> str:
    """Stop the server and return all it wrote on stderr. A loaded CI machine once left a terminated server running
    past 30 s, so a server that outlives SIGTERM by 10 s is killed: the stderr it wrote is what the test judges."""
    server.terminate()
    try:
        return server.communicate(timeout=10)[1]
    except subprocess.TimeoutExpired:
        server.kill()
        return server.communicate(timeout=60)[1]


def test_site_serve_answers_malformed_requests_with_a_status_and_one_line_never_a_traceback(evil):
    assert evil["built"].returncode == 0, evil["built"].stderr
    server = subprocess.Popen(
        [*CLI, "site", "--out", str(evil["site"]), "--serve", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+)", server.stdout.readline()).group(1))
        answers = [raw_request(port, request) for request in MALFORMED]
        assert raw_request(port, b"GET /index.html HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200")
    finally:
        stderr = _stop(server)
    for request, answer in zip(MALFORMED, answers, strict=True):
        status = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer) or re.search(rb"Error code: (\d{3})", answer)
        assert status and int(status.group(1)) in (400, 404, 414, 505), (request[:40], answer[:200])
    assert "Traceback" not in stderr and "Exception" not in stderr, stderr[:3000]
    lines = stderr.splitlines()
    assert lines and all(line.startswith("llm-catalog site: refused a request") for line in lines), stderr[:3000]
    assert len(lines) <= len(MALFORMED) and all(len(line) < 400 for line in lines)
    assert "\x1b" not in stderr and "\x00" not in stderr  # the client's bytes reach the terminal written out
