"""Whose word each price is, on the site of the synced bundled data: the sources of each price of a route page (the
published one marked), a mark and every source's value where they disagree, the Sources section with every source
of the snapshot, and the index's "sources disagree" filter, as files and in Chromium."""

from __future__ import annotations

import json
import re

import pytest
from browser import console_errors, screenshot, wait_for_js
from markupsafe import escape
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from llm_catalog.normalized.pricing import payload_as_of
from llm_catalog.readers import formatting, snapshot
from llm_catalog.site.links import route_path
from llm_catalog.warehouse.store import Warehouse

REFERENCE = "openrouter/openai/gpt-oss-20b"  # the reference page's route: only models.dev and genai-prices list it


@pytest.fixture(scope="module")
def con(synced_warehouse):
    connection, _ = snapshot.connect(Warehouse(synced_warehouse))
    return connection


@pytest.fixture(scope="module")
def disagreeing(con) -> tuple[str, list[tuple]]:
    """A real route whose sources disagree on its standard output price, and every price of it they disagree on."""
    (route,) = con.execute(
        """SELECT min(route_id) FROM price_disagreements
           WHERE price_kind = 'output' AND tier = 'standard' AND condition IS NULL AND unit = 'usd_per_1m_tokens'"""
    ).fetchone()
    rows = con.execute(
        "SELECT price_kind, tier, condition, unit, usd, source, statements FROM price_disagreements WHERE route_id = ?",
        [route],
    ).fetchall()
    return route, rows


def price_rows(html: str) -> dict[tuple, str]:
    """Each price row of a route page by (kind, tier, condition, unit), with its opening tag."""
    return {
        m.group(2, 3, 4, 5): m.group(1)
        for m in re.finditer(
            r'(<tr data-kind="([^"]*)" data-tier="([^"]*)" data-condition="([^"]*)" data-unit="([^"]*)"[^>]*>)', html
        )
    }


def test_a_route_page_names_the_sources_of_each_price(built_site, con):
    html = (built_site / route_path(REFERENCE)).read_text()
    rows = price_rows(html)
    stated = con.execute(
        "SELECT price_kind, tier, coalesce(condition, ''), unit, source, sources_stating FROM prices "
        "WHERE route_id = ?",
        [REFERENCE],
    ).fetchall()
    assert len(rows) == len(stated) >= 2
    for kind, tier, condition, unit, source, stating in stated:
        tag = rows[(kind, tier, condition, unit)]
        assert f'data-sources="{" ".join(stating)}" data-source="{source}"' in tag
    assert {s for *_, stating in stated for s in stating} == {"models_dev_metadata", "genai_prices"}


def test_a_disagreement_shows_a_mark_and_every_sources_value_below_the_price(built_site, disagreeing):
    route, disagreements = disagreeing
    html = (built_site / route_path(route)).read_text()
    rows = price_rows(html)
    marked = {key for key, tag in rows.items() if 'data-disagree="true"' in tag}
    assert marked == {(k, t, c or "", u) for k, t, c, u, *_ in disagreements}
    for kind, tier, condition, unit, usd, source, statements in disagreements:
        start = html.index(rows[(kind, tier, condition or "", unit)])
        row, below = html[start:].split("</tr>", 2)[:2]
        assert "≠ sources disagree" in row and '<strong class="src chosen"' in row and f">{source}</strong>" in row
        assert f'<td class="num">{formatting.money(usd, unit)}</td>' in row and 'class="statements-row"' in below
        for s in statements:
            assert re.search(
                rf'<li data-source="{s["source"]}" data-as-of="{s["as_of"]}"[^>]*><span class="src">{s["source"]}'
                rf'</span> <span class="value">{re.escape(formatting.money(s["usd"], unit))}</span>',
                below,
            ), (s, below)


def test_the_sources_section_lists_every_source_with_its_day_and_status(built_site, synced_warehouse, con):
    store = Warehouse(synced_warehouse)
    manifest = store.manifest(store.current_id())
    html = (built_site / route_path(REFERENCE)).read_text()
    section = html[
        html.index('<section id="sources">') : html.index("</section>", html.index('<section id="sources">'))
    ]
    shown = re.findall(
        r'<tr data-source="(\w+)" data-status="(\w*)" data-as-of="([\d-]*)"( data-states="true")?', section
    )
    listing = con.execute("SELECT sources FROM routes WHERE route_id = ?", [REFERENCE]).fetchone()[0]
    assert shown == [
        (
            s["source"],
            s["status"],
            str(payload_as_of(s)) if s["status"] != "skipped" else "",
            ' data-states="true"' if s["source"] in listing else "",
        )
        for s in manifest["sources"]
    ]
    for s in manifest["sources"]:
        if s.get("note"):
            assert str(escape(s["note"])) in section


def test_the_index_marks_exactly_the_routes_whose_sources_disagree(built_site, con):
    data = json.loads(
        re.search(r'id="route-data">(.*?)</script>', (built_site / "index.html").read_text(), re.S).group(1)
    )
    at = {name: i for i, name in enumerate(data["columns"])}
    marked = {row[at["id"]] for row in data["rows"] if row[at["disagree"]]}
    expected = {r for (r,) in con.execute("SELECT DISTINCT route_id FROM price_disagreements").fetchall()}
    assert marked == expected and len(expected) > 50


def test_the_sources_disagree_filter_finds_exactly_the_routes_with_a_price_disagreement(browser, site_url, con):
    expected = {r for (r,) in con.execute("SELECT DISTINCT route_id FROM price_disagreements").fetchall()}
    total = con.execute("SELECT count(*) FROM routes").fetchone()[0]
    browser.get(site_url + "index.html")
    wait_for_js(browser, "return window.siteReady")
    browser.find_element(By.ID, "f-sources").click()  # the "sources disagree" checkbox
    assert browser.find_element(By.ID, "count").text == f"{len(expected)} of {total} routes"
    while browser.find_element(By.ID, "show-more").is_displayed():
        browser.find_element(By.ID, "show-more").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#routes tbody tr")
    assert {r.get_attribute("data-route") for r in rows} == expected and len(rows) == len(expected)
    assert all(r.find_element(By.CSS_SELECTOR, ".disagree").is_displayed() for r in rows[:20])
    screenshot(browser, "index-sources-disagree")
    # with a provider chosen too, both filters hold
    Select(browser.find_element(By.ID, "f-provider")).select_by_value("openrouter")
    shown = {r.get_attribute("data-route") for r in browser.find_elements(By.CSS_SELECTOR, "#routes tbody tr")}
    openrouter = {r for (r,) in con.execute("SELECT route_id FROM routes WHERE provider = 'openrouter'").fetchall()}
    assert shown == expected & openrouter and REFERENCE in shown
    browser.find_element(By.ID, "f-sources").click()  # unticked: every route again
    assert len(browser.find_elements(By.CSS_SELECTOR, "#routes tbody tr")) > len(shown)
    assert console_errors(browser) == []


def test_a_reader_sees_the_mark_and_each_sources_value_on_the_page(browser, site_url, disagreeing):
    route, disagreements = disagreeing
    browser.get(site_url + route_path(route))
    wait_for_js(browser, "return window.siteReady")
    kind, tier, condition, unit, usd, source, statements = next(d for d in disagreements if d[0] == "output")
    row = browser.find_element(
        By.CSS_SELECTOR, f'#pricing tr[data-kind="output"][data-tier="standard"][data-condition=""][data-unit="{unit}"]'
    )
    mark = row.find_element(By.CSS_SELECTOR, ".disagree")
    assert mark.is_displayed() and mark.text == "≠ sources disagree"
    assert row.find_element(By.CSS_SELECTOR, ".src.chosen").text == source
    below = row.find_element(By.XPATH, "following-sibling::tr[1]")
    assert below.get_attribute("class") == "statements-row" and below.is_displayed()
    items = below.find_elements(By.TAG_NAME, "li")
    assert [(li.get_attribute("data-source"), li.find_element(By.CLASS_NAME, "value").text) for li in items] == [
        (s["source"], formatting.money(s["usd"], unit)) for s in statements
    ]
    assert all(f"as of {s['as_of']}" in li.text for li, s in zip(items, statements, strict=True))
    browser.execute_script("arguments[0].scrollIntoView()", row)
    screenshot(browser, "route-sources-disagree")
    assert console_errors(browser) == []
