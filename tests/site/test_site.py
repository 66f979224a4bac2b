"""The catalog site as files: a page per route, base model and benchmark of the snapshot, every section of the
reference page in its order, escaped text, safe URLs, an atomic build, the Dagster asset and the loopback server.
What a reader sees in a browser is tested in test_site_browser.py."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import pytest
from conftest import HOSTILE_SCRIPT_ID, HOSTILE_URL_ID, ROUTE, ROUTE_PAGE_SECTIONS, copy_warehouse
from hypothesis import given
from hypothesis import strategies as st

from llm_catalog.errors import CatalogError
from llm_catalog.readers import snapshot
from llm_catalog.site import build as site_build
from llm_catalog.site.links import route_path, slug
from llm_catalog.site.serve import site_server
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main
from pipelines.definitions import build_definitions


class Links(HTMLParser):
    """Section ids in document order, and every local link and script of a page."""

    def __init__(self):
        super().__init__()
        self.sections, self.hrefs, self.scripts = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("section", "header") and attrs.get("id"):
            self.sections.append(attrs["id"])
        href = attrs.get("href")  # the index's compare button gets its href from the script
        if tag == "a" and href is not None and not href.startswith(("http://", "https://", "#")):
            self.hrefs.append(href)
        if tag == "script":
            self.scripts.append(attrs.get("src") or attrs.get("type"))


def parsed(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text())
    return parser


def test_the_real_map_gets_a_page_per_route_and_base_model_and_every_link_resolves(built_site, synced_warehouse):
    con, snapshot_id = snapshot.connect(Warehouse(synced_warehouse))
    routes = [r for (r,) in con.execute("SELECT route_id FROM routes ORDER BY route_id").fetchall()]
    models = con.execute("SELECT count(DISTINCT base_model) FROM routes").fetchone()[0]
    record = json.loads((built_site / "site.json").read_text())
    assert (record["snapshot_id"], record["routes"], record["models"]) == (snapshot_id, len(routes), models)
    assert len(routes) > 4000 and all((built_site / route_path(r)).is_file() for r in routes)
    assert len(list((built_site / "routes").iterdir())) == len(routes)  # no two ids share a page

    data = json.loads(
        re.search(
            r'<script type="application/json" id="route-data">(.*?)</script>',
            (built_site / "index.html").read_text(),
            re.S,
        ).group(1)
    )
    assert sorted(row[data["columns"].index("id")] for row in data["rows"]) == routes
    every_row = (built_site / "all.html").read_text()
    assert every_row.count("<tr data-route=") == len(routes)

    for page in [
        built_site / route_path(ROUTE),
        built_site / "index.html",
        built_site / "changes.html",
        built_site / "benchmarks" / "index.html",
    ]:
        found = parsed(page)
        # a page, less its fragment and query (compare.html?r=A&r=B is compare.html, reading its query)
        missing = [h for h in found.hrefs if not (page.parent / re.split("[#?]", h)[0]).resolve().is_file()]
        assert found.hrefs and not missing, (page, missing[:5])


def test_a_route_page_has_the_reference_sections_in_order_with_the_snapshot_values(built_site, synced_warehouse):
    page = built_site / route_path(ROUTE)
    assert parsed(page).sections == ROUTE_PAGE_SECTIONS
    html = page.read_text()
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    for kind, tier, unit, usd in con.execute(
        "SELECT price_kind, tier, unit, usd FROM prices WHERE route_id = ?", [ROUTE]
    ).fetchall():
        assert f'data-kind="{kind}" data-tier="{tier}" data-condition="" data-unit="{unit}" data-usd="{usd}"' in html
    context = con.execute("SELECT context_window FROM limits WHERE route_id = ?", [ROUTE]).fetchone()[0]
    assert f'data-limit="context_window" data-value="{context}">131.1K<' in html
    others = con.execute("SELECT count(*) FROM alternatives WHERE route_id = ?", [ROUTE]).fetchone()[0]
    # every other route of the base model: a provider's row, or a self-hosted runtime in the list below the table
    providers = html[html.index('id="providers"') : html.index('id="history"')]
    assert providers.count('<tr data-route="') + providers.count('<li data-route="') == others > 5
    # the chart: one unbroken line per standard per-token price, from the price_history table
    assert re.findall(r'<path class="series s\d" d="M[\d.]+,[\d.]+(?: L[\d.]+,[\d.]+)+" data-kind="(\w+)"/>', html) == [
        "input",
        "output",
    ]


def test_markup_in_ids_and_names_stays_text_and_odd_ids_get_safe_stable_urls(hostile_warehouse):
    site = hostile_warehouse / "site"
    for route_id in (HOSTILE_SCRIPT_ID, HOSTILE_URL_ID):
        page = site / route_path(route_id)
        assert re.fullmatch(r"routes/[a-z0-9-]+-[0-9a-f]{8}\.html", route_path(route_id)) and page.is_file()
        html = page.read_text()
        assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html or route_id == HOSTILE_URL_ID
        # no script but the site's own: the similar rows only other lenses list and the compare data (JSON that
        # cannot close its element), site.js, the calculator
        assert parsed(page).scripts == [
            "application/json",
            "application/json",
            "../static/site.js",
            "../static/cost.js",
            "../static/calculator.js",
        ]
        data = re.search(r'<script type="application/json" id="compare-data">(.*?)</script>', html, re.S).group(1)
        assert json.loads(data)["route_id"] == route_id and "<" not in data
        more = re.search(r'<script type="application/json" id="similar-more">(.*?)</script>', html, re.S).group(1)
        rows = json.loads(more)
        assert "<" not in more and len(rows["cells"]) == len(rows["ranked"])
    for page in [site / "index.html", site / "all.html", *(site / "models").iterdir()]:
        assert "<script>alert" not in page.read_text(), page
    index = (site / "index.html").read_text()
    assert parsed(site / "index.html").scripts == [
        "application/json",
        "static/search.js",
        "static/index.js",
        "static/site.js",
    ]
    assert '\\u003cscript>alert(\\"pwned\\")\\u003c/script>' in index  # the JSON cannot close its <script>
    assert route_path(HOSTILE_URL_ID) == route_path("deepinfra/acme/odd@2024:beta?v=1#x%20")  # stable


def test_the_price_chart_steps_where_the_price_changed(hostile_warehouse):
    html = (hostile_warehouse / "site" / route_path(ROUTE)).read_text()
    drawn = re.search(r'd="([^"]+)" data-kind="input"', html).group(1)
    levels = {point.split(",")[1] for point in re.findall(r"[ML]([\d.]+,[\d.]+)", drawn)}
    assert len(levels) == 2  # $0.04 from 2026-10-01, $0.03 from 2026-11-01
    assert "2026-10-01" in html and "$0.0300 / 1M tokens" in html


@given(st.text(min_size=1, max_size=300))
def test_every_id_gets_a_safe_file_name_that_only_it_has(text):
    name = slug(text)
    assert re.fullmatch(r"[a-z0-9-]+-[0-9a-f]{8}", name) and len(name) <= 69
    assert slug(text) == name and slug(text + "x") != name


def test_a_failed_build_leaves_the_previous_site_and_a_foreign_folder_is_never_replaced(
    hostile_warehouse, tmp_path, monkeypatch, capsys
):
    warehouse = str(hostile_warehouse / "wh")
    out = tmp_path / "site"
    assert main(["site", "--warehouse", warehouse, "--out", str(out), "--quiet"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):  # late in a build: the route pages are written, the provider pages fail
        raise RuntimeError("disk full")

    monkeypatch.setattr(site_build, "write_provider_pages", broken)
    assert main(["site", "--warehouse", warehouse, "--out", str(out)]) == 1
    assert "disk full" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left behind
    monkeypatch.undo()

    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    assert main(["site", "--warehouse", warehouse, "--out", str(foreign)]) == 1
    assert "not a site built here" in capsys.readouterr().err and (foreign / "notes.txt").read_text() == "mine"
    assert main(["site", "--warehouse", warehouse, "--out", str(out), "--snapshot", "20990101T000000Z-0"]) == 1
    assert "20990101T000000Z-0" in capsys.readouterr().err


def test_the_site_server_serves_a_built_site_on_loopback_and_refuses_a_folder_without_one(
    hostile_warehouse, tmp_path, capsys
):
    server = site_server(hostile_warehouse / "site")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address
        with urllib.request.urlopen(f"http://{host}:{port}/{route_path(HOSTILE_URL_ID)}", timeout=10) as answer:
            assert host == "127.0.0.1" and answer.status == 200
            assert "deepinfra/acme/odd@2024:beta?v=1#x%20" in answer.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert main(["site", "--out", str(tmp_path), "--serve", "--port", "0"]) == 1
    assert f"no site built in {tmp_path}" in capsys.readouterr().err


def test_the_site_asset_builds_after_a_publish_and_skips_the_snapshot_it_already_shows(hostile_warehouse, tmp_path):
    warehouse = copy_warehouse(hostile_warehouse / "wh", tmp_path / "wh")  # shared: the asset builds into a copy
    defs = build_definitions(warehouse=str(warehouse))
    site_dir = warehouse / "site"
    rebuilt = []
    for _ in range(2):
        result = defs.resolve_job_def("site").execute_in_process(instance=dg.DagsterInstance.ephemeral())
        (event,) = result.get_asset_materialization_events()
        rebuilt.append(event.materialization.metadata["rebuilt"].value)
    assert rebuilt == [True, False]
    record = json.loads((site_dir / "site.json").read_text())
    con, current = snapshot.connect(Warehouse(warehouse))
    (routes,) = con.execute("SELECT count(*) FROM routes").fetchone()
    assert record["snapshot_id"] == current and record["routes"] == routes
    assert record["routes"] > 62  # the hand-made map's 62 and the bundled sources' other routes
    assert defs.resolve_sensor_def("site_after_publish").default_status == dg.DefaultSensorStatus.STOPPED
    with pytest.raises(CatalogError, match="no site built"):
        site_server(warehouse)
