"""The index in a real browser, on the site of the real bundled snapshot: the usual question asked with the filters
gives the routes a DuckDB query of the snapshot gives, a shared address restores it, sorting follows the SQL order,
a search ranks as `llm-catalog search`, the table fits 1400 px and reads at 390 px, rows can be picked to compare,
and axe-core finds no serious or critical violation. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import attribute_of_each, axe_violations, console_errors, screenshot, wait_for_js
from selenium.webdriver.common.by import By

from llm_catalog.readers import snapshot
from llm_catalog.readers.query import fetch_rows
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow
USUAL = "?cap=Vision&cap=Function+calling&ctx_min=128K&in_max=1"
# the landing order (sql/site/route_index.sql), the tie-breaker of every sort
LANDING = "p.base_providers DESC, r.base_model, c.route_id"
INDEXED = """
    FROM route_cells c JOIN routes r USING (route_id)
    JOIN (SELECT base_model, count(DISTINCT provider) AS base_providers FROM routes GROUP BY base_model) p
    USING (base_model)
"""


@pytest.fixture(scope="module")
def con(synced_warehouse):
    connection, _ = snapshot.connect(Warehouse(synced_warehouse))
    yield connection
    connection.close()


def open_index(driver, url: str) -> None:
    driver.get(url)
    wait_for_js(driver, "return window.siteReady")
    assert console_errors(driver) == []


def shown_routes(driver) -> list[str]:
    return attribute_of_each(driver, "#routes tbody tr", "data-route")


def every_matching_route(driver) -> list[str]:
    """Click "Show more" until every matching row is drawn."""
    while driver.find_element(By.ID, "show-more").is_displayed():
        driver.find_element(By.ID, "show-more").click()
    return shown_routes(driver)


def test_the_landing_order_is_most_providers_first_in_the_served_html(con, site_url):
    html = urllib.request.urlopen(site_url + "index.html").read().decode()
    served = re.findall(r'<tr data-route="([^"]*)">', html)
    expected = [row["route_id"] for row in fetch_rows(con, f"SELECT c.route_id {INDEXED} ORDER BY {LANDING}", [])]
    assert len(served) == 200 and served == expected[:200]
    counts = fetch_rows(con, "SELECT base_model, count(DISTINCT provider) AS n FROM routes GROUP BY base_model", [])
    most = max(row["n"] for row in counts)
    bases = {
        row["route_id"]: row["base_model"] for row in fetch_rows(con, "SELECT route_id, base_model FROM routes", [])
    }
    assert {row["n"] for row in counts if row["base_model"] == bases[served[0]]} == {most}
    assert "the most providers serve" in html


def test_the_usual_question_gives_the_routes_duckdb_gives(browser, site_url, con):
    """Vision + function calling + at least 128K context + input at most $1 per 1M tokens, asked with the controls."""
    open_index(browser, site_url + "index.html")
    for capability in ("Vision", "Function calling"):
        browser.find_element(By.CSS_SELECTOR, f'#f-capabilities input[value="{capability}"]').click()
    browser.find_element(By.ID, "f-context-min").send_keys("128K")
    browser.find_element(By.ID, "f-input-max").send_keys("1")
    expected = [
        row["route_id"]
        for row in fetch_rows(
            con,
            f"""SELECT c.route_id {INDEXED}
                WHERE list_contains(c.features, 'Vision') AND list_contains(c.features, 'Function calling')
                  AND c.context_window >= 128000 AND c.input_price_unit = 'usd_per_1m_tokens' AND c.input_price <= 1
                ORDER BY {LANDING}""",
            [],
        )
    ]
    assert 10 < len(expected) < 11864
    wait_for_js(
        browser, "return document.getElementById('count').textContent.startsWith(arguments[0])", str(len(expected))
    )
    assert every_matching_route(browser) == expected
    shared = browser.current_url
    in_address = {key: sorted(values) for key, values in parse_qs(urlsplit(shared).query).items()}
    assert in_address == {key: sorted(values) for key, values in parse_qs(USUAL[1:]).items()}
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "index-filtered-vision-fc-128k-under-1")

    open_index(browser, shared)  # a shared address restores the filters and their controls
    assert every_matching_route(browser) == expected
    ticked = browser.find_elements(By.CSS_SELECTOR, "#f-capabilities input:checked")
    assert sorted(t.get_attribute("value") for t in ticked) == ["Function calling", "Vision"]
    assert browser.find_element(By.ID, "f-context-min").get_attribute("value") == "128K"
    assert browser.find_element(By.ID, "f-input-max").get_attribute("value") == "1"


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_sorting_by_output_price_follows_the_sql_order_unknowns_last(browser, site_url, con, direction):
    open_index(browser, site_url + "index.html?ctx_min=1M")
    header = browser.find_element(By.CSS_SELECTOR, '#routes th[data-sort="output"] button')
    for _ in range(1 if direction == "ASC" else 2):
        header.click()
    known = "c.output_price_unit = 'usd_per_1m_tokens'"
    expected = [
        row["route_id"]
        for row in fetch_rows(
            con,
            f"""SELECT c.route_id {INDEXED} WHERE c.context_window >= 1000000
                ORDER BY CASE WHEN {known} THEN c.output_price END {direction} NULLS LAST, {LANDING}""",
            [],
        )
    ]
    assert every_matching_route(browser) == expected
    assert urlsplit(browser.current_url).query.endswith("sort=output" if direction == "ASC" else "sort=-output")
    open_index(browser, browser.current_url)  # the sort is part of a shared view
    assert every_matching_route(browser) == expected


def test_a_search_in_the_browser_ranks_as_the_command_line(browser, site_url, synced_warehouse, capsys):
    for text in ("llama 3.3 70b", "GPT OSS 20b", "gtp-4o"):
        capsys.readouterr()
        assert main(["search", text, "--warehouse", str(synced_warehouse), "--format", "json", "--limit", "10"]) == 0
        expected = [m["route_id"] for m in json.loads(capsys.readouterr().out)]
        open_index(browser, site_url + "index.html")
        browser.find_element(By.ID, "search").send_keys(text)
        wait_for_js(browser, "return location.search.includes('q=')")
        assert shown_routes(browser)[:10] == expected, text


def test_rows_picked_link_to_a_comparison(browser, site_url):
    open_index(browser, site_url + "index.html?q=gpt-4o")
    boxes = browser.find_elements(By.CSS_SELECTOR, "#routes td.pick input")
    picked = [b.get_attribute("value") for b in boxes[:4]]
    for box in boxes[:4]:
        box.click()
    assert boxes[4].get_attribute("disabled") is not None  # four at most
    href = browser.find_element(By.ID, "compare").get_attribute("href")
    assert parse_qs(urlsplit(href).query) == {"r": picked}
    assert urlsplit(href).path.endswith("/compare.html")


def test_the_table_fits_1400px_and_reads_at_390px(browser, site_url):
    open_index(browser, site_url + "index.html")
    widths = browser.execute_script("return [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    features = browser.execute_script(
        "return Array.from(document.querySelectorAll('#routes td.features'), (td) => td.getBoundingClientRect())"
        ".map((r) => [r.width, r.right])"
    )
    assert features and all(width >= 120 and right <= widths[1] for width, right in features)
    browser.set_window_size(390, 900)
    try:
        open_index(browser, site_url + "index.html")
        overflowing = browser.execute_script(
            "const width = document.documentElement.clientWidth;"
            "return Array.from(document.querySelectorAll('body *')).filter((e) => !e.closest('.table-scroll')"
            " && e.getClientRects().length && e.getBoundingClientRect().right > width + 1)"
            ".map((e) => e.outerHTML.slice(0, 80))"
        )
        assert overflowing == []
        assert browser.execute_script("return document.scrollingElement.scrollWidth <= window.innerWidth")
        assert browser.find_element(By.ID, "filter-panel").get_attribute("open") is None  # filters collapse
        screenshot(browser, "index-390px")
    finally:
        browser.set_window_size(1400, 1000)


@pytest.mark.parametrize("view", ["", USUAL + "&sort=-context"])
def test_axe_finds_no_serious_violation_on_the_index(browser, site_url, view):
    """The landing view (the served rows) and a filtered, sorted view (rows the script draws)."""
    open_index(browser, site_url + "index.html" + view)
    assert axe_violations(browser) == []
