"""The site over a real history: three small maps synced as of three dates in three months, a route's price changing
at two of them. Its price chart steps at those dates (read from the SVG the site writes), and "What changed" shows
the latest month first with its dates, counts of distinct routes per kind, the biggest price moves linked to their
routes, and a page per month."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser

import pytest
from conftest import ROUTE, write_map

from llm_catalog.site.links import route_path
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main
from pipelines.run import run_sync

pytestmark = pytest.mark.slow  # three real syncs and a site build

ADDED = "deepinfra/new-model-x"
DAYS = (date(2026, 1, 10), date(2026, 2, 20), date(2026, 4, 5))
INPUT = (0.03, 0.02, 0.05)  # ROUTE's input price per 1M tokens on each day
OUTPUT = (0.14, 0.14, 0.15)


@pytest.fixture(scope="module")
def history_site(small_map, tmp_path_factory):
    """The site of the third snapshot. February: ROUTE's input price goes down, a route is added and another gains
    two capabilities; April: ROUTE's input and output prices go up, its output limit changes and a route goes."""
    root = tmp_path_factory.mktemp("history-site")
    flipped, gone = [k for k in small_map if k != ROUTE and small_map[k]["mode"] == "chat"][:2]
    off = {"supports_vision": False, "supports_function_calling": False}
    on = {"supports_vision": True, "supports_function_calling": True}
    first = {**small_map, flipped: {**small_map[flipped], **off}}
    second = {**first, ADDED: {**small_map[ROUTE], "input_cost_per_token": 5e-08}, flipped: {**first[flipped], **on}}
    third = {k: v for k, v in second.items() if k != gone}
    third[ROUTE] = {**small_map[ROUTE], "max_output_tokens": 65536}
    for day, entries, inp, out in zip(DAYS, (first, second, third), INPUT, OUTPUT, strict=True):
        entries = {
            **entries,
            ROUTE: {**entries[ROUTE], "input_cost_per_token": inp / 1e6, "output_cost_per_token": out / 1e6},
        }
        # the map's word alone: the other pricing sources' bundled copies state ROUTE's prices too
        map_file = write_map(root / f"{day}.json", entries)
        ok, said = run_sync(root / "wh", litellm=map_file, as_of=str(day), pricing_sources="litellm", quiet=True)
        assert ok and "published" in said, said
    assert main(["site", "--warehouse", str(root / "wh"), "--out", str(root / "site"), "--quiet"]) == 0
    return root / "site", Warehouse(root / "wh").snapshot_ids(), flipped, gone


def chart(site) -> ET.Element:
    html = (site / route_path(ROUTE)).read_text()
    return ET.fromstring(re.search(r'<svg class="chart".*?</svg>', html, re.S).group(0))


def points(path: str) -> list[tuple[str, float, float]]:
    return [(op, float(x), float(y)) for op, x, y in re.findall(r"([ML])([\d.]+),([\d.]+)", path)]


def test_the_price_chart_steps_at_each_change_date_to_the_new_price(history_site):
    site = history_site[0]
    svg = chart(site)
    axis = svg.find("line[@class='axis']")
    left, right, bottom = float(axis.get("x1")), float(axis.get("x2")), float(axis.get("y1"))
    labels = [t.text for t in svg.findall("text[@class='tick']") if re.fullmatch(r"\d{4}-\d\d-\d\d", t.text)]
    assert labels[0] == DAYS[0].isoformat() and labels[-1] == DAYS[-1].isoformat()  # first dated price to as_of

    def x(day: date) -> float:
        return left + (day - DAYS[0]).days / (DAYS[-1] - DAYS[0]).days * (right - left)

    paths = {p.get("data-kind"): points(p.get("d")) for p in svg.findall("path")}
    assert set(paths) == {"input", "output"}
    for drawn in paths.values():
        xs = [px for _, px, _ in drawn]
        assert xs == sorted(xs), drawn  # no stroke goes back in time
        assert xs[0] == pytest.approx(left, abs=0.1) and xs[-1] == pytest.approx(right, abs=0.1)
        assert [op for op, _, _ in drawn].count("M") == 1  # one unbroken line

    for kind, prices in (("input", INPUT), ("output", OUTPUT)):
        drawn = paths[kind]
        steps = [(b[1], a[2], b[2]) for a, b in zip(drawn, drawn[1:], strict=False) if a[2] != b[2]]
        changed = [i for i in (1, 2) if prices[i] != prices[i - 1]]
        # a vertical step at each change date, from the old price's height to the new one's (heights are
        # proportional to the price: y = bottom - price * scale)
        assert [sx for sx, _, _ in steps] == pytest.approx([x(DAYS[i]) for i in changed], abs=0.1)
        for (_, before, after), i in zip(steps, changed, strict=True):
            assert (bottom - after) / (bottom - before) == pytest.approx(prices[i] / prices[i - 1], rel=0.02)
        scale = (bottom - drawn[0][2]) / prices[0]
        assert (bottom - drawn[-1][2]) / scale == pytest.approx(prices[-1], rel=0.02)  # ends at the current price
        markers = [(m.get("data-date"), float(m.get("cx"))) for m in svg.findall(f"circle[@data-kind='{kind}']")]
        assert [d for d, _ in markers] == [DAYS[i].isoformat() for i in changed]
        assert [cx for _, cx in markers] == pytest.approx([x(DAYS[i]) for i in changed], abs=0.1)
    assert "2026-02-20: input $0.0300 / 1M tokens → $0.0200 / 1M tokens" in [
        t.text for t in svg.findall("circle/title")
    ]


class Tables(HTMLParser):
    """The text of every table cell by table, each row a list of cells, and the local links of the page."""

    def __init__(self):
        super().__init__()
        self.tables, self.hrefs, self.text, self.cell = [], [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "a" and not dict(attrs)["href"].startswith("#"):
            self.hrefs.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell += data


def read(page) -> Tables:
    parser = Tables()
    parser.feed(page.read_text())
    return parser


def test_what_changed_shows_the_latest_month_first_with_dates_counts_of_routes_and_the_biggest_moves(history_site):
    site, ids, flipped, gone = history_site
    page = read(site / "changes.html")
    text = " ".join(page.text)
    assert "April 2026" in text and "Snapshots of 2026-04-05" in text
    assert not any(i in text for i in ids[:2])  # dates, not snapshot ids (the footer names the current one)
    counts, moves, *_ = page.tables
    assert counts[1:] == [
        ["Routes removed", "1", "1"],
        ["Price up", "1", "2"],  # one route, two of its prices
        ["Limits", "1", "1"],
    ]
    assert [row[1:] for row in moves[1:]] == [
        [ROUTE, "input price per 1M tokens: $0.02 → $0.05", "+150.0%"],
        [ROUTE, "output price per 1M tokens: $0.14 → $0.15", "+7.1%"],
    ]
    assert page.hrefs.count(route_path(ROUTE)) >= 2
    every_month = page.tables[-1]
    assert every_month[0][:5] == ["Month", "Snapshots", "Routes added", "Routes removed", "Price up"]
    assert [row[:2] for row in every_month[1:]] == [["April 2026", "2026-04-05"], ["February 2026", "2026-02-20"]]
    assert "changes/2026-02.html" in page.hrefs and "changes/2026-04.html" in page.hrefs
    for href in page.hrefs:
        assert (site / href.split("#")[0]).is_file(), href


def test_a_month_page_lists_that_months_changes_counting_routes_not_changes(history_site):
    site, _, flipped, gone = history_site
    page = read(site / "changes" / "2026-02.html")
    text = " ".join(page.text)
    assert "What changed in February 2026" in text and "Snapshots of 2026-02-20" in text
    counts = page.tables[0]
    assert counts[1:] == [
        ["Routes added", "1", "1"],
        ["Price down", "1", "1"],
        ["Capabilities", "1", "2"],  # one route, two capabilities
        ["Modalities", "1", "1"],  # vision adds image to its inputs
    ]
    moves, added, down, capabilities, modalities = (t[1:] for t in page.tables[1:])
    assert moves == [["2026-02-20", ROUTE, "input price per 1M tokens: $0.03 → $0.02", "-33.3%"]]
    assert down == [["2026-02-20", ROUTE, "input price per 1M tokens: $0.03 -> $0.02 (-33.3%)"]]
    assert added == [["2026-02-20", ADDED, "chat: input $0.05 per 1M tokens, output $0.14 per 1M tokens"]]
    assert {row[1] for row in capabilities + modalities} == {flipped}
    assert sorted(row[2] for row in capabilities) == [
        "function calling: not supported -> supported",
        "vision: not supported -> supported",
    ]
    assert [row[2] for row in modalities] == ["input modalities: text -> image, text"]
    assert "changes/2026-04.html" not in page.hrefs and "2026-04.html" in page.hrefs  # the newer month, relative
    for href in page.hrefs:
        assert (site / "changes" / href.split("#")[0]).resolve().is_file(), href
    assert gone not in text  # removed in April, not February


def test_the_real_history_chart_of_the_route_steps_at_the_dates_its_prices_changed(built_site, synced_warehouse):
    """The default site (a fresh `make sync`: the bundled year of releases behind the current map): the route's
    chart starts at its first dated price and has a marker at each date its price history says a price changed."""
    from llm_catalog.readers.snapshot import connect

    con, _ = connect(Warehouse(synced_warehouse))
    runs = con.execute(
        "SELECT price_kind, valid_from FROM price_history WHERE route_id = ? AND tier = 'standard' "
        "AND condition IS NULL AND unit = 'usd_per_1m_tokens' AND price_kind IN ('input', 'output') "
        "ORDER BY price_kind, valid_from",
        [ROUTE],
    ).fetchall()
    first = min(day for _, day in runs)
    changed = {kind: [d.isoformat() for k, d in runs if k == kind and d > first] for kind in ("input", "output")}
    assert any(changed.values())  # the bundled history has at least one price change for the route
    svg = chart(built_site)
    labels = [t.text for t in svg.findall("text[@class='tick']") if re.fullmatch(r"\d{4}-\d\d-\d\d", t.text)]
    as_of = con.execute("SELECT max(as_of) FROM snapshots").fetchone()[0]
    assert labels[0] == first.isoformat() and labels[-1] == as_of.isoformat()
    for kind, days in changed.items():
        assert [m.get("data-date") for m in svg.findall(f"circle[@data-kind='{kind}']")] == days
        xs = [px for _, px, _ in points(svg.find(f"path[@data-kind='{kind}']").get("d"))]
        assert xs == sorted(xs)
