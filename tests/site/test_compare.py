"""The compare page and the workload calculators in a real browser, on the site of the bundled snapshot: each
compare column equals the snapshot's tables, the calculators' figures equal llm_catalog.readers.cost (the rules of
`llm-catalog cost`), a similar-models row opens a compare page, and axe-core finds no serious or critical problem.
Screenshots: tests/artifacts/compare-three-routes.png and model-llama-3.3-70b-calculator.png."""

from __future__ import annotations

import urllib.parse
from decimal import Decimal

import pytest
from browser import axe_violations, console_errors, screenshot, wait_for_js
from conftest import ROUTE
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from llm_catalog.readers import cost, formatting, page, snapshot
from llm_catalog.site.links import model_path, route_path
from llm_catalog.warehouse.store import Warehouse

pytestmark = pytest.mark.slow

# the issue's example, the calculators' default; and a changed one (a month, batch, another cached share, long prompts)
DEFAULT = cost.Workload(1_000_000, 200_000, Decimal("0.3"), batch=False, per="day")
CHANGED = cost.Workload(5_000_000, 1_500_000, Decimal("0"), batch=False, per="month", prompt_tokens=250_000)
CHANGED_FORM = {"input": "5M", "output": "1.5M", "cached": "0", "per": "month", "batch": False, "prompt": "250K"}
BATCH = cost.Workload(2_000_000, 500_000, Decimal("0"), batch=True, per="month")  # few llama routes state batch prices
BATCH_FORM = {"input": "2M", "output": "500K", "cached": "0", "per": "month", "batch": True, "prompt": ""}
MODEL = "llama-3.3-70b"


@pytest.fixture(scope="module")
def con(synced_warehouse):
    con, snapshot_id = snapshot.connect(Warehouse(synced_warehouse))
    yield con, snapshot_id
    con.close()


def compare_url(site_url: str, *ids: str) -> str:
    return site_url + "compare.html?" + urllib.parse.urlencode([("r", i) for i in ids])


def open_compare(driver, url: str, unknown: tuple[str, ...] = ()) -> None:
    """Open a compare page; the console shows no error but the 404 of each unknown id's page."""
    driver.get(url)
    wait_for_js(driver, "return window.compareReady")
    errors = console_errors(driver)
    assert len(errors) == len(unknown)
    for route_id in unknown:  # fetched in parallel: in any order
        assert any(route_path(route_id) in e and "404" in e for e in errors), (route_id, errors)


def column(driver, grid: str, route_id: str) -> dict[str, str]:
    """The cells of one route's column of a compare table, by row key."""
    cells = {}
    for tr in driver.find_elements(By.CSS_SELECTOR, f"#{grid} tbody tr"):
        for td in tr.find_elements(By.TAG_NAME, "td"):
            if td.get_attribute("data-route") == route_id:
                cells[tr.get_attribute("data-key")] = td.text
    return cells


def three_routes(con) -> list[str]:
    """The named route, a route with tiered and conditional prices, and one whose id has a ':'."""
    tiered = con.execute(
        "SELECT min(route_id) FROM prices WHERE condition = 'above_200k_tokens' AND price_kind = 'input'"
    ).fetchone()[0]
    odd = con.execute("SELECT min(route_id) FROM routes WHERE route_id LIKE '%/%:%' AND mode = 'chat'").fetchone()[0]
    return [ROUTE, tiered, odd]


def test_a_compare_page_of_three_routes_shows_each_routes_snapshot_values(browser, site_url, con):
    con, snapshot_id = con
    ids = three_routes(con)
    open_compare(browser, compare_url(site_url, *ids))
    heads = browser.find_elements(By.CSS_SELECTOR, "#prices-grid thead th a")
    assert len(heads) == 3
    assert browser.find_elements(By.CSS_SELECTOR, "#compare-messages li") == []
    for route_id in ids:
        prices = con.execute("SELECT usd, unit FROM prices WHERE route_id = ?", [route_id]).fetchall()
        shown = [t for t in column(browser, "prices-grid", route_id).values() if t != "—"]
        assert sorted(shown) == sorted(formatting.money(usd, unit) for usd, unit in prices) and shown
        limits = con.execute(
            "SELECT context_window, max_input_tokens, max_output_tokens, max_tokens FROM limits WHERE route_id = ?",
            [route_id],
        ).fetchone()
        keys = ("context_window", "max_input_tokens", "max_output_tokens", "max_tokens")
        assert column(browser, "limits-grid", route_id) == {
            k: formatting.tokens(v) for k, v in zip(keys, limits, strict=True)
        }
        stated = dict(
            con.execute("SELECT capability, supported FROM capabilities WHERE route_id = ?", [route_id]).fetchall()
        )
        capabilities = column(browser, "capabilities-grid", route_id)
        assert len(capabilities) == 13
        for capability, text in capabilities.items():
            value = stated.get(capability)
            assert text.endswith("Supported" if value else "Unknown" if value is None else "Not supported")
        inputs, outputs = con.execute(
            "SELECT input_modalities, output_modalities FROM routes WHERE route_id = ?", [route_id]
        ).fetchone()
        modalities = column(browser, "modalities-grid", route_id)
        assert modalities["inputs"].split(" (")[0] == " ".join(inputs or ["unknown"])
        assert modalities["outputs"].split(" (")[0] == " ".join(outputs or ["unknown"])
        gathered = page.gather(con, route_id, snapshot_id)
        benchmarks = column(browser, "benchmarks-grid", route_id) if gathered["benchmarks"] else {}
        assert {k for k, v in benchmarks.items() if v != "—"} == {b["benchmark_name"] for b in gathered["benchmarks"]}
        sources = column(browser, "sources-grid", route_id)
        assert sources["route_id"] == route_id
        stating = {
            s for (s,) in con.execute("SELECT source FROM route_sources WHERE route_id = ?", [route_id]).fetchall()
        }
        assert stating and all(s in sources["sources"] for s in stating)
    terms = cost.route_terms(con, ids)
    for route_id in ids:
        assert_cost_cell(browser, route_id, cost.price(terms[route_id], DEFAULT))
    screenshot(browser, "compare-three-routes")


def assert_cost_cell(driver, route_id: str, expected) -> None:
    cell = driver.find_element(By.CSS_SELECTOR, f'#cost-grid td[data-route="{route_id}"]')
    assert_priced(cell, expected)


def assert_priced(box, expected) -> None:
    """A calculator result (lines, totals, or the refusal) shows what cost.price gives."""
    if not expected["ok"]:
        assert box.find_element(By.CSS_SELECTOR, ".refused").text == expected["reason"]
        return
    lines = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in box.find_elements(By.CSS_SELECTOR, "table.cost-lines tbody tr")
    ]
    assert lines == [
        [line["part"], f"{line['tokens']:,}", cost.money(line["usd_per_1m"]), cost.money(line["amount"])]
        for line in expected["lines"]
    ]
    assert box.find_element(By.CSS_SELECTOR, ".per-day").text == cost.money(expected["per_day"])
    assert box.find_element(By.CSS_SELECTOR, ".per-month").text == cost.money(expected["per_month"])


def test_unknown_route_ids_get_a_message_each(browser, site_url):
    unknown = ("nobody/no-such-model", "acme/<b>x</b>:1")
    open_compare(browser, compare_url(site_url, ROUTE, *unknown), unknown)
    shown = browser.find_elements(By.CSS_SELECTOR, "#compare-messages li.unknown")
    assert [li.get_attribute("data-route") for li in shown] == list(unknown)
    assert all(li.text.endswith("is not a route of this snapshot.") for li in shown)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#prices-grid thead th a")) == 1
    assert browser.find_elements(By.TAG_NAME, "b") == []  # the id is text, never markup


def set_workload(driver, values: dict) -> None:
    form = driver.find_element(By.ID, "workload")
    for name in ("input", "output", "cached", "prompt"):
        field = form.find_element(By.NAME, name)
        field.clear()
        field.send_keys(values[name])
    Select(form.find_element(By.NAME, "per")).select_by_value(values["per"])
    box = form.find_element(By.NAME, "batch")
    if box.is_selected() != values["batch"]:
        box.click()


def test_the_base_model_calculator_ranks_every_provider_as_python_does(browser, site_url, con):
    con, _ = con
    browser.get(site_url + model_path(MODEL))
    wait_for_js(browser, "return window.calculatorReady")
    assert console_errors(browser) == []
    for workload, form in ((DEFAULT, None), (CHANGED, CHANGED_FORM), (BATCH, BATCH_FORM)):
        if form:
            set_workload(browser, form)
        quotes = cost.price_model(con, MODEL, workload)  # what `llm-catalog cost llama-3.3-70b` ranks
        if workload is BATCH:
            assert not all(q["ok"] for q in quotes)  # refused routes are listed, after the priced ones
        rows = browser.find_elements(By.CSS_SELECTOR, "#calculator-result table.ranking tbody tr")
        shown = [(tr.get_attribute("data-route"), tr.get_attribute("data-state")) for tr in rows]
        assert shown == [(q["route_id"], "priced" if q["ok"] else "refused") for q in quotes]
        assert sum(q["ok"] for q in quotes) > (0 if workload is BATCH else 10)
        for tr, quote in zip(rows, quotes, strict=True):
            cells = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            if quote["ok"]:
                assert cells[3:5] == [cost.money(quote["per_day"]), cost.money(quote["per_month"])]
            else:
                assert cells[5] == quote["reason"]
        if not form:
            screenshot(browser, "model-llama-3.3-70b-calculator")


def test_the_route_page_calculator_equals_python(browser, site_url, con):
    con, _ = con
    terms = cost.route_terms(con, [ROUTE])[ROUTE]
    browser.get(site_url + route_path(ROUTE))
    wait_for_js(browser, "return window.calculatorReady && window.siteReady")
    assert console_errors(browser) == []
    box = browser.find_element(By.ID, "calculator-result")
    assert_priced(box, cost.price(terms, DEFAULT))
    set_workload(browser, CHANGED_FORM)
    assert_priced(box, cost.price(terms, CHANGED))


def test_a_similar_models_row_opens_a_compare_page_of_the_two(browser, site_url):
    browser.get(site_url + route_path(ROUTE))
    wait_for_js(browser, "return window.siteReady")
    row = browser.find_element(By.CSS_SELECTOR, "#similar-rows tr:not([hidden])")
    other = row.get_attribute("data-route")
    row.find_element(By.CSS_SELECTOR, "a.compare-link").click()
    wait_for_js(browser, "return window.compareReady")
    assert console_errors(browser) == []
    assert browser.find_elements(By.CSS_SELECTOR, "#compare-messages li") == []
    assert list(column(browser, "sources-grid", ROUTE).values())[0] == ROUTE
    assert list(column(browser, "sources-grid", other).values())[0] == other


def test_no_serious_accessibility_problem_on_a_route_page_and_the_compare_page(browser, site_url, con):
    con, _ = con
    browser.get(site_url + route_path(ROUTE))
    wait_for_js(browser, "return window.calculatorReady && window.siteReady")
    assert axe_violations(browser) == []
    open_compare(browser, compare_url(site_url, *three_routes(con)))
    assert axe_violations(browser) == []
