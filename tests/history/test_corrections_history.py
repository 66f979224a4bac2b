"""Corrections apart from changes, through the history: three hand-made reconciled snapshots where LiteLLM first
states a price alone against models.dev (and wins on recency), then corrects itself to agree (a correction), then
moves away alone (a price change). The changes table, `llm-catalog diff`, the "What changed" pages and the README's
"price changes in the last 30 days" tell the two apart; a snapshot that cannot say what its sources stated leaves
every move a price change."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html import unescape
from html.parser import HTMLParser

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from reconciliation.handmade_sources import info, route, source_tables
from test_readme import readme_queries

from llm_catalog import schemas
from llm_catalog.history.step import current_layout, step
from llm_catalog.reconciliation.reconcile import one_source, reconcile
from llm_catalog.site.links import route_path
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

KEY = "groq/llama-3.3-70b-versatile"
STEADY = "groq/llama-3.1-8b-instant"  # the same in every snapshot
DAYS = (date(2026, 1, 5), date(2026, 2, 10), date(2026, 2, 25))
LITELLM_INPUT = (0.69, 0.59, 0.49)  # models.dev states 0.59 throughout


def reconciled(litellm_input: float, models_dev_input: float = 0.59) -> dict[str, pa.Table]:
    """The catalog of models.dev and LiteLLM (the newer source, so recency picks it where the two disagree)."""
    steady = route(STEADY, prices={"input": 0.05, "output": 0.08})
    sources = {
        "models_dev": source_tables(route(KEY, prices={"input": models_dev_input, "output": 0.79}), steady),
        "litellm": source_tables(route(KEY, prices={"input": litellm_input, "output": 0.79}), steady),
    }
    return reconcile(sources, {"models_dev": info(1), "litellm": info(2)}).tables


def price_rows(changes: pa.Table) -> list[tuple]:
    return [
        (r["as_of"], r["route_id"], r["change"], r["price_kind"], r["old_usd"], r["new_usd"], r["moved_sources"])
        for r in changes.to_pylist()
        if r["price_kind"] is not None
    ]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The three snapshots published to a warehouse (every table; the derived ones empty), the history carried by
    the history step as a sync carries it."""
    store = Warehouse(tmp_path_factory.mktemp("corrections") / "wh")
    previous = None
    for n, (day, usd) in enumerate(zip(DAYS, LITELLM_INPUT, strict=True)):
        source = {"source": "litellm", "origin": "test", "sha256": str(n) * 64, "size_bytes": 1, "version": None}
        plan = store.plan(sources=[source], code="test", as_of=day, now=datetime(2026, 3, 1, n, tzinfo=UTC))
        state = reconciled(usd)
        history = step(
            previous, state, snapshot_id=plan.snapshot_id, previous_snapshot_id=plan.previous_snapshot_id, as_of=day
        )
        tables = {**{name: schema.empty_table() for name, schema in schemas.DERIVED.items()}, **state, **history}
        assert store.publish(tables, plan, sources=[source]).published
        previous = tables
    return store


def test_a_source_correcting_itself_is_a_correction_and_moving_away_alone_a_price_change(published):
    chosen = [
        next(
            p["usd"]
            for p in reconciled(usd)["prices"].to_pylist()
            if (p["route_id"], p["price_kind"]) == (KEY, "input")
        )
        for usd in LITELLM_INPUT
    ]
    assert chosen == [0.69, 0.59, 0.49]  # recency, agreement, recency
    changes = published_table(published, "changes")
    assert price_rows(changes) == [
        (DAYS[1], KEY, "correction", "input", 0.69, 0.59, ["litellm"]),
        (DAYS[2], KEY, "price", "input", 0.59, 0.49, ["litellm"]),
    ]
    correction, change = (r for r in changes.to_pylist() if r["price_kind"])
    assert (correction["field"], correction["old_value"], correction["new_value"]) == (
        "input price per 1M tokens",
        "$0.69",
        "$0.59",
    )
    assert correction["relative_change"] == pytest.approx(0.59 / 0.69 - 1, abs=1e-6)
    assert change["relative_change"] == pytest.approx(0.49 / 0.59 - 1, abs=1e-6)
    # the price history keeps every value the catalog published, corrections included
    periods = [
        (r["usd"], r["valid_from"], r["valid_to"])
        for r in published_table(published, "price_history").to_pylist()
        if (r["route_id"], r["price_kind"]) == (KEY, "input")
    ]
    assert periods == [(0.69, DAYS[0], DAYS[1]), (0.59, DAYS[1], DAYS[2]), (0.49, DAYS[2], None)]


def published_table(store: Warehouse, name: str) -> pa.Table:
    """A table of the current snapshot, as published."""
    return pq.read_table(store.table_path(name, store.current_id()))


def diff(capsys, store: Warehouse, *args: str) -> str:
    capsys.readouterr()
    assert main(["diff", "--warehouse", store.location, *args]) == 0
    return capsys.readouterr().out


def test_diff_counts_and_lists_corrections_apart_from_price_changes(published, capsys):
    first, second, third = published.snapshot_ids()
    shown = json.loads(diff(capsys, published, first, third, "--format", "json"))
    assert shown["total"] == 2 and shown["counts"]["correction"] == shown["counts"]["price"] == 1
    (correction,) = shown["changes"]["correction"]
    (change,) = shown["changes"]["price"]
    assert (correction["snapshot_id"], correction["moved_sources"], correction["old_usd"]) == (
        second,
        ["litellm"],
        0.69,
    )
    assert (change["snapshot_id"], change["new_usd"]) == (third, 0.49)
    # the snapshot that only corrected: no price change
    shown = json.loads(diff(capsys, published, first, second, "--format", "json"))
    assert shown["counts"]["price"] == 0 and shown["counts"]["correction"] == 1
    text = diff(capsys, published, first, third)
    assert re.search(r"^  price +1$", text, re.M) and re.search(r"^  correction +1$", text, re.M)
    sections = dict(re.findall(r"^(\w+) \(\d+\)\n((?:  .*\n?)+)", text, re.M))
    assert "$0.69 -> $0.59" in sections["correction"] and "$0.59 -> $0.49" in sections["price"]
    assert "$0.69" not in sections["price"]


def test_the_readme_price_changes_of_the_last_30_days_leave_corrections_out(published):
    (query,) = [q for q in readme_queries() if q.startswith("-- price changes in the last 30 days")]
    rows = duckdb.connect().sql(query.replace("data/warehouse", published.location)).fetchall()
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [(DAYS[2], KEY, 0.59, 0.49)]  # the correction is within 30 days


class Tables(HTMLParser):
    """The rows of a page's tables (cell texts), with the attributes of each row."""

    def __init__(self):
        super().__init__()
        self.rows, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append((dict(attrs), []))
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1][1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def page_rows(path) -> list[tuple[dict, list[str]]]:
    parser = Tables()
    parser.feed(path.read_text())
    return parser.rows


def test_what_changed_counts_and_lists_corrections_apart_and_no_correction_is_a_price_move(published, tmp_path):
    out = tmp_path / "site"
    assert main(["site", "--warehouse", published.location, "--out", str(out), "--quiet"]) == 0
    rows = page_rows(out / "changes.html")
    header = next(cells for attrs, cells in rows if cells and cells[0] == "Month")
    february = dict(
        zip(header, next(cells for attrs, cells in rows if attrs.get("data-month") == "2026-02"), strict=True)
    )
    assert (february["Price down"], february["Price corrections"]) == ("1", "1")
    month = out / "changes" / "2026-02.html"
    counts = {attrs["data-kind"]: cells[1:] for attrs, cells in page_rows(month) if "data-kind" in attrs}
    assert counts["correction"] == ["1", "1"] and counts["price_down"] == ["1", "1"]
    html = unescape(month.read_text())
    corrections = html.split('<h3 id="correction">', 1)[1].split("</table>", 1)[0]
    assert "Price corrections (1)" in corrections and "input price per 1M tokens: $0.69 -> $0.59" in corrections
    assert "moved: litellm" in corrections and route_path(KEY) in corrections
    moves = html.split('<h3 id="moves">', 1)[1].split("</table>", 1)[0]  # the biggest price moves: changes only
    assert "$0.59 → $0.49" in moves and "$0.69" not in moves


def test_a_snapshot_without_its_sources_statements_leaves_every_move_a_price_change():
    before, after = reconciled(0.69), reconciled(0.59)
    day = date(2026, 2, 1)

    def moves(previous: dict, current: dict) -> list[tuple]:
        carried = step(previous, current, snapshot_id="b", previous_snapshot_id="a", as_of=day)["changes"]
        return [(r["change"], r["old_usd"], r["new_usd"], r["moved_sources"]) for r in carried.to_pylist()]

    assert moves(before, after) == [("correction", 0.69, 0.59, ["litellm"])]
    # several sources and no disagreements table: what each stated is unknown
    missing = {name: table for name, table in before.items() if name != "price_disagreements"}
    assert moves(missing, after) == [("price", 0.69, 0.59, None)]
    # a snapshot from before reconciliation: its prices as the map alone made them, without their sources
    plain = before["prices"].select(schemas.PRICES.names).cast(schemas.PRICES)
    assert moves({**before, "prices": plain}, after) == [("price", 0.69, 0.59, None)]


def test_an_earlier_one_source_snapshot_reads_as_one_where_no_source_disagreed():
    # an earlier release's snapshot: LiteLLM alone, no disagreements table; then models.dev joins, stating a price
    # within 0.5% of LiteLLM's unchanged one, and agreement picks it: the catalog's value moved, no price did
    alone = one_source("litellm", source_tables(route(KEY, prices={"input": 0.69, "output": 0.79})))
    assert "price_disagreements" not in alone
    joined = reconcile(
        {
            "litellm": source_tables(route(KEY, prices={"input": 0.69, "output": 0.79})),
            "models_dev": source_tables(route(KEY, prices={"input": 0.6901, "output": 0.79})),
        },
        {"litellm": info(1), "models_dev": info(2)},
    ).tables
    carried = step(alone, joined, snapshot_id="b", previous_snapshot_id="a", as_of=date(2026, 2, 1))["changes"]
    assert price_rows(carried) == [(date(2026, 2, 1), KEY, "correction", "input", 0.69, 0.6901, ["models_dev"])]
    # LiteLLM itself moves as models.dev joins: what the others stated before is unknown, a price change
    moved = reconciled(0.59)
    carried = step(alone, moved, snapshot_id="b", previous_snapshot_id="a", as_of=date(2026, 2, 1))["changes"]
    assert [(r["change"], r["new_usd"], r["moved_sources"]) for r in carried.to_pylist() if r["route_id"] == KEY] == [
        ("price", 0.59, ["litellm", "models_dev"])
    ]


def test_changes_tables_written_before_the_corrections_carry_on():
    typed = reconciled_changes()
    before_moved_sources = typed.drop_columns(["moved_sources"])
    assert current_layout(before_moved_sources).to_pylist() == [{**r, "moved_sources": None} for r in typed.to_pylist()]
    # the layout before the typed columns: a price's field was its key, its values bare numbers
    first_layout = pa.table(
        {
            "snapshot_id": ["b"],
            "previous_snapshot_id": ["a"],
            "as_of": pa.array([date(2026, 2, 1)], pa.date32()),
            "route_id": [KEY],
            "change": ["price"],
            "field": ["input|standard||usd_per_1m_tokens"],
            "old_value": ["0.69"],
            "new_value": ["0.59"],
            "relative_change": [-0.144928],
        }
    )
    (row,) = current_layout(first_layout).to_pylist()
    assert (row["change"], row["field"], row["old_usd"], row["new_usd"], row["moved_sources"]) == (
        "price",
        "input price per 1M tokens",
        0.69,
        0.59,
        None,
    )


def reconciled_changes() -> pa.Table:
    return step(reconciled(0.69), reconciled(0.59), snapshot_id="b", previous_snapshot_id="a", as_of=date(2026, 2, 1))[
        "changes"
    ]


def test_the_changes_suite_takes_a_correction(published):
    from llm_catalog.checks.expectations import validate

    changes = published_table(published, "changes")
    route_ids = published_table(published, "routes").column("route_id").to_pylist()
    assert validate("changes", changes, route_ids=route_ids).success
    unknown = pa.Table.from_pylist([{**r, "change": "restated"} for r in changes.to_pylist()], schema=schemas.CHANGES)
    refused = validate("changes", unknown, route_ids=route_ids)
    assert not refused.success and [r["expectation"] for r in refused.errors] == ["expect_column_values_to_be_in_set"]
