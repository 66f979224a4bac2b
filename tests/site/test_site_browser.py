"""The catalog site in a real browser (Debian's Chromium, headless, driven by Selenium), served by the site's own
loopback server: what a reader sees on the route page of the bundled map's deepinfra/openai/gpt-oss-20b and on a
route with odd characters in its id, the lens filter, the index search, and a link from the similar list.
Screenshots go to tests/artifacts/ (not committed)."""

from __future__ import annotations

import threading
from urllib.parse import quote

import pytest
from browser import console_errors, screenshot, wait_for_js
from conftest import HOSTILE_SCRIPT_ID, HOSTILE_URL_ID, ROUTE, ROUTE_PAGE_SECTIONS
from markupsafe import escape
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from llm_catalog.readers import formatting, page, snapshot
from llm_catalog.site.links import route_path
from llm_catalog.site.route_pages import SimilarCells
from llm_catalog.site.serve import site_server
from llm_catalog.site.templating import environment
from llm_catalog.warehouse.store import Warehouse


def open_page(driver, url: str) -> None:
    driver.get(url)
    wait_for_js(driver, "return window.siteReady")
    assert console_errors(driver) == []


def odd_route(con) -> str:
    """A real route whose id has a ':' and several '/' (e.g. a Bedrock model version)."""
    return con.execute("SELECT min(route_id) FROM routes WHERE route_id LIKE '%/%/%:%'").fetchone()[0]


@pytest.mark.parametrize("pick", ["named", "odd"])
def test_each_section_shows_the_snapshot_values(browser, site_url, synced_warehouse, pick):
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    route_id = ROUTE if pick == "named" else odd_route(con)
    open_page(browser, site_url + route_path(route_id))
    shown = [s.get_attribute("id") for s in browser.find_elements(By.CSS_SELECTOR, "main > header, main > section")]
    assert [s for s in ROUTE_PAGE_SECTIONS if s in shown] == shown and {
        "overview",
        "pricing",
        "limits",
        "capabilities",
        "sources",
        "similar",
        "providers",
    } <= set(shown)
    assert browser.find_element(By.ID, "route-id").text == route_id

    prices = con.execute(
        "SELECT price_kind, tier, condition, unit, usd FROM prices WHERE route_id = ?", [route_id]
    ).fetchall()
    rows = browser.find_elements(By.CSS_SELECTOR, "#pricing tr[data-kind]")
    assert sorted((r.get_attribute("data-kind"), r.find_elements(By.TAG_NAME, "td")[1].text) for r in rows) == sorted(
        (kind, formatting.money(usd, unit)) for kind, _, _, unit, usd in prices
    )
    limits = con.execute(
        "SELECT context_window, max_input_tokens, max_output_tokens, max_tokens FROM limits WHERE route_id = ?",
        [route_id],
    ).fetchone()
    assert [
        browser.find_element(By.CSS_SELECTOR, f'[data-limit="{k}"]').text
        for k in ("context_window", "max_input_tokens", "max_output_tokens", "max_tokens")
    ] == [formatting.tokens(v) for v in limits]
    stated = dict(
        con.execute("SELECT capability, supported FROM capabilities WHERE route_id = ?", [route_id]).fetchall()
    )
    cells = browser.find_elements(By.CSS_SELECTOR, "#capabilities tr[data-capability]")
    assert len(cells) == 13
    for row in cells:
        value = stated.get(row.get_attribute("data-capability"))
        expected = "Supported" if value else "Unknown" if value is None else "Not supported"
        assert row.find_elements(By.TAG_NAME, "td")[1].text.endswith(expected)
    colors = {
        row.get_attribute("data-supported"): row.find_elements(By.TAG_NAME, "td")[1].value_of_css_property("color")
        for row in cells
    }
    assert len(set(colors.values())) == len(colors)  # supported, not supported and unknown look different
    if pick == "named":
        assert browser.find_element(By.CSS_SELECTOR, "#overview .stats dd").text == "$0.0300 / 1M tokens"
        assert len(browser.find_elements(By.CSS_SELECTOR, "#benchmarks tbody tr")) >= 6
        assert browser.find_elements(By.CSS_SELECTOR, "#history svg path.series")
        screenshot(browser, "route-page")


def test_the_lens_filter_reorders_the_similar_models(browser, site_url, synced_warehouse):
    con, snapshot_id = snapshot.connect(Warehouse(synced_warehouse))
    open_page(browser, site_url + route_path(ROUTE))

    def visible() -> list[str]:
        rows = browser.find_elements(By.CSS_SELECTOR, "#similar-rows tr")
        return [r.get_attribute("data-route") for r in rows if r.is_displayed()]

    expected = {
        lens: [r["other_route_id"] for r in page.gather(con, ROUTE, snapshot_id, lens)["similar_models"][1:]]
        for lens in ("overall", "cost", "quality")
    }
    assert visible() == expected["overall"] and len(expected["overall"]) == 20
    Select(browser.find_element(By.ID, "lens")).select_by_value("cost")
    assert visible() == expected["cost"] != expected["overall"]
    assert browser.find_element(By.CSS_SELECTOR, "#similar-rows tr:not([hidden]) .score").text.startswith("Cost ")
    Select(browser.find_element(By.ID, "lens")).select_by_value("quality")  # the leaderboard lens
    assert visible() == expected["quality"] != expected["cost"]
    assert browser.find_element(By.CSS_SELECTOR, "#similar-rows tr:not([hidden]) .score").text.startswith("Quality ")


def test_the_rows_the_script_draws_read_as_the_rows_the_page_draws(browser, site_url, synced_warehouse):
    """The rows only other lenses list are the page's data, drawn by site.js when a lens shows them: each reads as
    the template's macros write a row (the cells SimilarCells renders, the compare link, the reasons), in the
    browser's own serialization of both."""
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    (rows,) = page.similar_tables(con, [ROUTE], formatting.LENSES).values()
    cells = SimilarCells(environment(), page.route_cells(con))
    more = [r["other_route_id"] for r in rows if r["first_rank"] is None]
    cells.attach({"similar": rows, "similar_more": []})
    here = quote(ROUTE)
    expected = {
        r["other_route_id"]: f'<td>{r["cells"]["name"]}<a class="compare-link" href="../compare.html?r={here}&amp;'
        f'r={r["cells"]["query"]}">Compare with this route</a></td>{r["cells"]["rest"]}<td>{escape(r["reasons"])}</td>'
        '<td class="num score"></td>'
        for r in rows
    }
    open_page(browser, site_url + route_path(ROUTE))
    drawn = "return Array.from(document.querySelectorAll('#similar-rows tr')).map(r => r.dataset.route)"
    assert browser.execute_script(drawn) == [r["other_route_id"] for r in rows if r["first_rank"] is not None]
    assert len(more) >= 5  # the named route's table has rows only other lenses list
    for lens in ("cost", "capabilities", "quality"):
        Select(browser.find_element(By.ID, "lens")).select_by_value(lens)
        shown = browser.execute_script(
            """const cells = (tr) => Array.from(tr.cells).slice(0, -1).map(td => td.outerHTML).join("");
            const parse = (html) => { const t = document.createElement("tbody"); t.innerHTML = `<tr>${html}</tr>`;
                                      return cells(t.rows[0]); };
            return Array.from(document.querySelectorAll("#similar-rows tr:not([hidden])")).map(
                tr => [tr.dataset.route, tr.dataset.rank, cells(tr), parse(arguments[0][tr.dataset.route])]);""",
            expected,
        )
        assert shown and any(route in more for route, *_ in shown)
        by_route = {r["other_route_id"]: r for r in rows}
        for route, rank, drawn_cells, template_cells in shown:
            assert rank == by_route[route]["rank_attr"] and drawn_cells == template_cells, (lens, route)
    assert console_errors(browser) == []


def test_the_index_search_finds_a_route_by_its_base_model(browser, site_url):
    open_page(browser, site_url + "index.html")
    total = int(browser.find_element(By.ID, "count").text.split(" of ")[1].split()[0])
    screenshot(browser, "index")
    browser.find_element(By.ID, "search").send_keys("gpt-oss-20b")
    wait_for_js(browser, "return location.search.includes('q=gpt-oss-20b')")
    rows = browser.find_elements(By.CSS_SELECTOR, "#routes tbody tr")
    found = [r.get_attribute("data-route") for r in rows]
    assert ROUTE in found and len(found) > 5
    assert int(browser.find_element(By.ID, "count").text.split(" of ")[0]) < total
    # ranked: the routes of gpt-oss-20b first (a near name such as gpt-oss-120b may follow)
    assert all("gpt-oss-20b" in r.text.lower() for r in rows[:5])
    Select(browser.find_element(By.ID, "f-provider")).select_by_value("deepinfra")
    wait_for_js(browser, "return location.search.includes('provider=deepinfra')")
    rows = browser.find_elements(By.CSS_SELECTOR, "#routes tbody tr")
    assert rows[0].get_attribute("data-route") == ROUTE
    assert all(r.get_attribute("data-route").startswith("deepinfra/") for r in rows)
    browser.find_element(By.CSS_SELECTOR, f'#routes tr[data-route="{ROUTE}"] td:nth-child(2) a').click()
    wait_for_js(browser, "return window.siteReady")
    assert browser.find_element(By.ID, "route-id").text == ROUTE


def test_a_link_from_the_similar_list_opens_that_routes_page(browser, site_url):
    open_page(browser, site_url + route_path(ROUTE))
    first = browser.find_element(By.CSS_SELECTOR, "#similar-rows tr:not([hidden])")
    target = first.get_attribute("data-route")
    first.find_element(By.TAG_NAME, "a").click()
    wait_for_js(browser, "return window.siteReady")
    assert browser.find_element(By.ID, "route-id").text == target != ROUTE
    assert browser.current_url.endswith(route_path(target))


def test_markup_in_a_route_name_is_shown_as_text(browser, hostile_warehouse):
    server = site_server(hostile_warehouse / "site")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        open_page(browser, url + route_path(HOSTILE_SCRIPT_ID))  # an alert would fail every later call
        assert browser.find_element(By.ID, "route-id").text == HOSTILE_SCRIPT_ID
        # the page's own scripts only: the similar models' and the compare data, site.js and the calculator's two
        assert browser.execute_script("return document.scripts.length") == 5
        open_page(browser, url + route_path(HOSTILE_URL_ID))
        assert browser.find_element(By.ID, "route-id").text == HOSTILE_URL_ID
        open_page(browser, url + "index.html")
        browser.find_element(By.ID, "search").send_keys("pwned")
        wait_for_js(browser, "return location.search.includes('q=pwned')")
        row = browser.find_element(By.CSS_SELECTOR, "#routes tbody tr")  # ranked first
        assert HOSTILE_SCRIPT_ID in row.text and row.get_attribute("data-route") == HOSTILE_SCRIPT_ID
    finally:
        server.shutdown()
        server.server_close()
