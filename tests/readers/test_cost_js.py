"""The browser's calculator (llm_catalog/site/static/cost.js, run under node) gives the same quote as
llm_catalog.readers.cost.price, figure for figure and note for note: on every route of the real bundled snapshot
with a few workloads, and on any terms and workload Hypothesis makes. The site relies on this parity."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from hypothesis import given, settings
from test_cost import WORKLOADS, any_terms

from llm_catalog.paths import REPO_ROOT
from llm_catalog.readers import snapshot
from llm_catalog.readers.cost import Workload, parse_tokens, price, route_terms
from llm_catalog.warehouse.store import Warehouse

COST_JS = REPO_ROOT / "llm_catalog" / "site" / "static" / "cost.js"
# one JSON line in ({"terms", "workloads"}), one JSON line out (the quotes), for as long as stdin is open
DRIVER = """
const cost = require(process.argv[1]);
const lines = require("readline").createInterface({input: process.stdin});
lines.on("line", (line) => {
  const asked = JSON.parse(line);
  const answer = asked.parse !== undefined
    ? asked.parse.map((text) => cost.parseTokens(text))
    : asked.workloads.map((w) => cost.price(asked.terms, w));
  process.stdout.write(JSON.stringify(answer) + "\\n");
});
"""


class Node:
    def __init__(self):
        self.process = subprocess.Popen(
            ["node", "-e", DRIVER, str(COST_JS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def ask(self, request: dict):
        self.process.stdin.write(json.dumps(request) + "\n")
        answer = self.process.stdout.readline()
        assert answer, "node stopped"
        return json.loads(answer)

    def price(self, terms: dict, workloads: list[Workload]) -> list[dict]:
        return self.ask({"terms": terms, "workloads": [as_js(w) for w in workloads]})

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def node():
    assert shutil.which("node"), "node is not on PATH"
    running = Node()
    yield running
    running.close()


def as_js(workload: Workload) -> dict:
    """The workload as the page gives it to LLMCost.price (token counts as strings: JSON numbers are floats)."""
    return {
        "input": str(workload.input_tokens),
        "output": str(workload.output_tokens),
        "cachedShare": str(workload.cached_share),
        "batch": workload.batch,
        "per": workload.per,
        "promptTokens": None if workload.prompt_tokens is None else str(workload.prompt_tokens),
    }


def python_quotes(terms: dict, workloads: list[Workload]) -> list[dict]:
    return json.loads(json.dumps([price(terms, w) for w in workloads]))


REAL_WORKLOADS = [
    Workload(1_000_000, 200_000, Decimal("0.3"), per="day"),
    Workload(30_000_000, 6_000_000),
    Workload(75, 105),
    Workload(5, 3, Decimal("0.5"), batch=True, per="day"),
    Workload(2_500_000, 0, Decimal("0.125"), prompt_tokens=300_000),
    Workload(123_456_789, 98_765, Decimal(1), batch=True, prompt_tokens=150_000),
    Workload(0, 0),
]


def test_every_route_of_the_bundled_snapshot_is_priced_the_same_in_the_browser(synced_warehouse, node):
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    every = route_terms(con)
    assert len(every) > 10_000
    differing, priced, refused = [], 0, 0
    for route_id, terms in every.items():
        shipped = json.loads(json.dumps(terms))  # as the site ships it
        expected = python_quotes(shipped, REAL_WORKLOADS)
        if node.price(shipped, REAL_WORKLOADS) != expected:
            differing.append(route_id)
        priced += sum(q["ok"] for q in expected)
        refused += sum(not q["ok"] for q in expected)
    assert differing == []
    assert priced > 10_000 and refused > 1_000  # both paths were compared, on real prices


@settings(max_examples=400, deadline=None)
@given(any_terms(), WORKLOADS)
def test_any_terms_and_workload_are_priced_the_same_in_the_browser(node, terms, workload):
    assert node.price(terms, [workload]) == python_quotes(terms, [workload])


def test_token_counts_are_read_the_same_in_the_browser(node):
    texts = ["1M", "200K", "1_000_000", "1,000,000", "1.5m", "2B", " 42 ", "-1", "1.5", "1e6", "", "M", "0.0001K"]
    expected = []
    for text in texts:
        try:
            expected.append(parse_tokens(text))
        except ValueError:
            expected.append(None)
    assert None in expected and 1_500_000 in expected
    assert node.ask({"parse": texts}) == expected
