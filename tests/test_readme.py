"""The README's DuckDB queries run, as written, against a freshly synced warehouse and answer their question."""

import re

import duckdb
import pytest

from llm_catalog.paths import REPO_ROOT


def readme_queries() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text()
    (block,) = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    return [q.strip() for q in re.split(r"\n(?=-- )", block) if q.strip()]


@pytest.fixture(scope="module")
def answers(synced_warehouse):
    results = []
    for sql in readme_queries():
        con = duckdb.connect()
        relation = con.sql(sql.replace("data/warehouse", str(synced_warehouse)))
        results.append((relation.columns, relation.fetchall()))
    return results


def test_the_readme_has_the_five_consumer_queries():
    assert len(readme_queries()) == 5


def test_cheapest_routes_of_a_base_model(answers):
    columns, rows = answers[0]
    assert columns == ["route_id", "provider_name", "input_usd_per_1m", "output_usd_per_1m"]
    assert len(rows) >= 15
    inputs = [r[2] for r in rows if r[2] is not None]
    assert inputs == sorted(inputs)
    assert ("deepinfra/openai/gpt-oss-20b", "DeepInfra", 0.03, 0.14) in rows


def test_vision_long_context_cheap_input(answers, synced_warehouse):
    columns, rows = answers[1]
    assert columns == ["route_id", "context_window", "input_usd_per_1m"]
    assert len(rows) > 50
    assert all(context > 100000 and usd < 1 for _, context, usd in rows)


def test_every_price_of_one_route(answers):
    columns, rows = answers[2]
    assert columns[:5] == ["price_kind", "tier", "condition", "unit", "usd"]
    assert {(r[0], r[4]) for r in rows} == {("input", 0.03), ("output", 0.14)}


def test_price_changes_of_the_last_30_days(answers, synced_warehouse):
    """Real price moves of the newest bundled release, typed: the history is in the default warehouse."""
    columns, rows = answers[3]
    assert columns == ["as_of", "route_id", "field", "old_usd", "new_usd", "relative_change"]
    assert len(rows) >= 10
    newest = max(r[0] for r in rows)
    assert all((newest - r[0]).days < 30 for r in rows)
    moves = [abs(r[5]) for r in rows if r[5] is not None]
    assert moves == sorted(moves, reverse=True) and moves[0] > 0
    assert all(r[5] is None or r[5] == pytest.approx(r[4] / r[3] - 1, rel=1e-4, abs=1e-5) for r in rows)


def test_routes_added_this_month(answers):
    columns, rows = answers[4]
    assert columns == ["as_of", "route_id", "provider_name", "what"]
    assert len(rows) >= 10
    assert len({(r[0].year, r[0].month) for r in rows}) == 1
    assert all(r[3] for r in rows)  # each says what the route is
