"""`llm-catalog cost` as a real process on the real bundled snapshot: a route's quote, a base model's ranking, a
refusal and arguments that are no workload."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal

from conftest import ROUTE

from llm_catalog.readers import snapshot
from llm_catalog.readers.cost import Workload, money, price, price_model, route_terms
from llm_catalog.warehouse.store import Warehouse

CLI = [sys.executable, "-m", "pipelines.cli"]


def cost(warehouse, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, "cost", "--warehouse", str(warehouse), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "LLM_CATALOG_AIDER": "off"},
    )


def test_a_route_is_priced_line_by_line(synced_warehouse):
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    expected = price(route_terms(con, [ROUTE])[ROUTE], Workload(1_000_000, 200_000, per="day"))
    assert expected["ok"]
    done = cost(synced_warehouse, ROUTE, "--input", "1M", "--output", "200_000", "--per", "day", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["quote"] == expected
    table = cost(synced_warehouse, ROUTE, "--input", "1M", "--output", "200K", "--per", "day")
    assert table.returncode == 0, table.stderr
    assert f"per month: {money(expected['per_month'])}" in table.stdout
    assert "a month is 30 days" in table.stdout
    for line in expected["lines"]:
        assert f"{line['tokens']:,}" in table.stdout and money(line["amount"]) in table.stdout


def test_a_base_model_ranks_its_routes(synced_warehouse):
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    workload = Workload(1_000_000, 200_000, per="day")
    expected = price_model(con, "llama-3.3-70b", workload)
    done = cost(
        synced_warehouse, "llama-3.3-70b", "--input", "1M", "--output", "200K", "--per", "day", "--format", "csv"
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["route_id"] for r in rows] == [q["route_id"] for q in expected]
    priced = [Decimal(r["per_day"]) for r in rows if r["per_day"]]
    assert len(priced) > 10 and priced == sorted(priced)
    assert all(Decimal(r["per_month"]) == 30 * Decimal(r["per_day"]) for r in rows if r["per_day"])
    table = cost(synced_warehouse, "llama-3.3-70b", "--input", "1M", "--output", "200K")
    assert table.returncode == 0 and f"{len(priced)} of {len(rows)} routes priced, cheapest first" in table.stdout


def test_a_route_without_the_price_a_workload_needs_is_refused_by_name(synced_warehouse):
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    uncached = con.execute(
        "SELECT route_id FROM routes WHERE base_model = 'llama-3.3-70b' AND route_id NOT IN "
        "(SELECT route_id FROM prices WHERE price_kind = 'cache_read') ORDER BY route_id LIMIT 1"
    ).fetchone()[0]
    done = cost(synced_warehouse, uncached, "--input", "1M", "--output", "0", "--cached-share", "0.3")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == f"error: {uncached} cannot price this workload: no cache_read price"


def test_arguments_that_are_no_workload_are_refused_in_one_line(synced_warehouse):
    for args, said in [
        (["--input", "-5", "--output", "1"], "'-5' is not a token count"),
        (["--input", "1M", "--output", "lots"], "'lots' is not a token count"),
        (["--input", "1M", "--output", "1", "--cached-share", "1.5"], "'1.5' is not a fraction from 0 to 1"),
        (["--input", "1M", "--output", "1", "--per", "week"], "invalid choice: 'week'"),
    ]:
        done = cost(synced_warehouse, ROUTE, *args)
        assert done.returncode == 2 and said in done.stderr.splitlines()[-1], done.stderr
    unknown = cost(synced_warehouse, "no-such-model-anywhere", "--input", "1", "--output", "1")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("error: no route or base model 'no-such-model-anywhere'")
    assert len(unknown.stderr.strip().splitlines()) == 1
