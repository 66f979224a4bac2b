"""Each pricing source's agreement with the chosen prices (sql/checks/agreement), and the drift warning, on hand-made
tables of the published shapes; and the Dagster checks around them, a skipped source included."""

from datetime import date

import dagster as dg
import pyarrow as pa
import pytest

from assets.agreement import agreement_checks, agreement_result
from assets.resources import WarehouseResource
from llm_catalog import schemas
from llm_catalog.checks import agreement
from llm_catalog.registry import PRICING


def route(route_id: str, provider: str, sources: list[str]) -> dict:
    return {
        "route_id": route_id,
        "provider": provider,
        "model": route_id.split("/", 1)[-1],
        "base_model": route_id.split("/", 1)[-1],
        "resolved_by": "rules",
        "modalities_stated": True,
        "sources": sources,
    }


def price(route_id: str, kind: str, usd: float, chosen: str, stating: list[str], agreeing: list[str], rule: str):
    return {
        "route_id": route_id,
        "price_kind": kind,
        "tier": "standard",
        "condition": None,
        "unit": "usd_per_1m_tokens",
        "usd": usd,
        "source_field": f"{kind}_cost_per_token",
        "source": chosen,
        "sources_stating": stating,
        "sources_agreeing": agreeing,
        "rule": rule,
    }


def disagreement(row: dict, values: dict[str, float]) -> dict:
    statements = [
        {"source": s, "source_route_id": f"{s}:{row['route_id']}", "usd": v, "as_of": date(2026, 11, 1), "flag": None}
        for s, v in values.items()
    ]
    key = ("route_id", "price_kind", "tier", "condition", "unit", "usd", "source", "rule")
    return {**{k: row[k] for k in key}, "statements": statements}


def build(routes: list[dict], prices: list[dict], disagreements: list[dict]) -> dict[str, pa.Table]:
    route_sources = [
        {"route_id": r["route_id"], "source": s, "source_route_id": f"{s}:{r['route_id']}", "matched_by": "own_id"}
        for r in routes
        for s in r["sources"]
    ]
    return {
        "routes": pa.Table.from_pylist(routes, schema=schemas.CATALOG_ROUTES),
        "prices": pa.Table.from_pylist(prices, schema=schemas.CATALOG_PRICES),
        "route_sources": pa.Table.from_pylist(route_sources, schema=schemas.ROUTE_SOURCES),
        "price_disagreements": pa.Table.from_pylist(disagreements, schema=schemas.PRICE_DISAGREEMENTS),
    }


def one_in_four() -> dict[str, pa.Table]:
    """Sources a and b both price four routes (two of provider p1, two of p2), b alone a fifth; a disagrees on
    r3's input and output prices (one route), and b's value is chosen."""
    routes = [route(f"p{1 + i // 2}/r{i + 1}", f"p{1 + i // 2}", ["a", "b"]) for i in range(4)]
    routes.append(route("p2/r5", "p2", ["b"]))
    prices, disagreements = [], []
    for r in routes[:4]:
        for kind in ("input", "output"):
            if r["route_id"] == "p2/r3":
                row = price(r["route_id"], kind, 1.0, "b", ["a", "b"], ["b"], "recency")
                prices.append(row)
                disagreements.append(disagreement(row, {"a": 3.0, "b": 1.0}))
            else:
                prices.append(price(r["route_id"], kind, 1.0, "a", ["a", "b"], ["a", "b"], "agreement"))
    prices.append(price("p2/r5", "input", 2.0, "b", ["b"], ["b"], "single_source"))
    return build(routes, prices, disagreements)


def test_a_source_that_disagrees_on_one_of_four_routes_has_a_share_of_a_quarter():
    found = agreement.source_agreement(one_in_four())
    a, b = found["a"], found["b"]
    assert (a.listed_routes, a.routes, a.contested_routes, a.disagreeing_routes) == (4, 4, 4, 1)
    assert a.share == 0.25 and a.contested_share == 0.25
    # b prices a fifth route nobody else does: it counts in its routes, not in its contested ones
    assert (b.routes, b.contested_routes, b.disagreeing_routes, b.share) == (5, 4, 0, 0.0)
    by_provider = {r["provider"]: r for r in a.providers}
    assert (by_provider["p2"]["routes"], by_provider["p2"]["disagreeing_routes"], by_provider["p2"]["share"]) == (
        2,
        1,
        0.5,
    )
    assert by_provider["p1"]["disagreeing_routes"] == 0 and a.providers[0]["provider"] == "p2"  # most first
    assert [(r["price_kind"], r["usd"], r["chosen_usd"], r["chosen_source"]) for r in a.examples] == [
        ("input", 3.0, 1.0, "b"),
        ("output", 3.0, 1.0, "b"),
    ]
    assert a.examples[0]["source_route_id"] == "a:p2/r3"
    assert [(r["chosen_source"], r["rule"], r["routes"], r["statements"]) for r in a.chosen_instead] == [
        ("b", "recency", 1, 2)
    ]
    table = agreement.providers_table(a)
    assert "| p2 | 2 | 2 | 1 | 50.0% | 50.0% |" in table and "| p1 |" not in table  # only who disagrees


def test_the_guard_reports_the_shares_and_passes_without_a_previous_snapshot():
    found = agreement.source_agreement(one_in_four())
    guard = agreement.agreement_guard("a", found["a"], None)
    assert guard.passed and guard.name == "agreement_a"
    assert guard.description.startswith(
        "a: 1 of the 4 routes it prices disagree with the chosen price (25.0%; 25.0% of the 4 another source"
    )
    assert "chosen instead: b by recency on 1" in guard.description
    assert guard.metadata["share"] == 0.25 and "previous_contested_share" not in guard.metadata


def moved(routes_count: int, moved_count: int, names=("a", "b", "c")) -> dict[str, pa.Table]:
    """Three sources pricing the same routes of provider p; the third's input price moved away on ``moved_count``
    of them and the two others, agreeing, outvote it."""
    first, second, third = names
    routes = [route(f"p/m{i}", "p", list(names)) for i in range(routes_count)]
    prices, disagreements = [], []
    for i, r in enumerate(routes):
        agreeing = [first, second] if i < moved_count else list(names)
        row = price(r["route_id"], "input", 1.0, first, list(names), agreeing, "agreement")
        prices.append(row)
        if i < moved_count:
            disagreements.append(disagreement(row, {first: 1.0, second: 1.0, third: 1.5}))
    return build(routes, prices, disagreements)


def test_a_source_whose_prices_moved_away_on_half_its_routes_drifts():
    before = agreement.source_agreement(moved(40, 0))
    after = agreement.source_agreement(moved(40, 20))
    assert after["c"].contested_share == 0.5 and before["c"].disagreeing_routes == 0
    guard = agreement.agreement_guard("c", after["c"], before["c"], since="20261101T000000Z-aaaaaaaa")
    assert not guard.passed
    assert guard.description.startswith(
        "c drifts from the other sources: 0.0% of contested routes in snapshot 20261101T000000Z-aaaaaaaa, 50.0% now "
        "(+50.0 points, +20 routes), more than 15 points"
    )
    assert "most on p (20)" in guard.description and guard.metadata["rise"] == 0.5
    # those that outvoted it did not move
    assert agreement.agreement_guard("a", after["a"], before["a"]).passed
    # in Dagster: a warning, which never blocks
    result = agreement_result(guard, after["c"])
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert "| p/m0 | c:p/m0 | input/standard | usd_per_1m_tokens | 1.5 | 1 | a (agreement) |" in (
        result.metadata["examples"].value
    )


def test_a_rise_up_to_the_threshold_or_on_a_few_routes_is_not_a_drift():
    before = agreement.source_agreement(moved(100, 0))["c"]
    assert agreement.agreement_guard("c", agreement.source_agreement(moved(100, 15))["c"], before).passed
    assert not agreement.agreement_guard("c", agreement.source_agreement(moved(100, 16))["c"], before).passed
    # three of four routes moved: a 75-point rise, but three routes are not a source drifting
    few = agreement.agreement_guard("c", agreement.source_agreement(moved(4, 3))["c"], before)
    assert few.passed and "(+75.0 points, +3 routes)" in few.description


def test_a_source_new_to_the_catalog_and_a_snapshot_before_provenance_have_nothing_to_drift_from():
    now = agreement.source_agreement(moved(40, 20))
    guard = agreement.agreement_guard("c", now["c"], None)
    assert guard.passed and "the previous snapshot has no share of c's to compare with" in guard.description
    older = moved(40, 0)
    plain = older["prices"].select([f.name for f in schemas.PRICES])  # published before reconciliation
    assert agreement.source_agreement({**older, "prices": plain}) == {}
    # an earlier release's snapshot: the map alone, with provenance, but no route_sources nor price_disagreements
    alone = {"source": "a", "sources_stating": ["a"], "sources_agreeing": ["a"], "rule": "single_source"}
    prices = pa.Table.from_pylist([{**p, **alone} for p in plain.to_pylist()], schema=schemas.CATALOG_PRICES)
    earlier = agreement.source_agreement({"prices": prices, "routes": older["routes"]})
    assert (earlier["a"].routes, earlier["a"].listed_routes, earlier["a"].contested_routes) == (40, 0, 0)
    assert agreement.agreement_guard("a", now["a"], earlier["a"]).passed


def test_a_skipped_source_gets_a_passing_check_that_says_so():
    guard = agreement.skipped_guard("openrouter", "no network")
    assert guard.passed and guard.description == "openrouter: skipped in this sync (no network)"


def _stub(name: str, value) -> dg.AssetsDefinition:
    @dg.asset(name=name)
    def made_by_hand():
        return value

    return made_by_hand


@pytest.fixture
def payloads() -> dict[str, dict]:
    """Every pricing source read but OpenRouter, which this sync could not reach."""
    return {
        source.asset: {"source": source.name, "origin": "bundled", "status": "fetched"}
        if source.name != "openrouter"
        else {
            "source": "openrouter",
            "origin": "https://openrouter.ai/api/v1/models",
            "status": "skipped",
            "note": "its host name does not resolve",
        }
        for source in PRICING
    }


def test_the_dagster_checks_report_every_source_and_pass_the_skipped_one(tmp_path, payloads):
    tables = moved(40, 20, names=("litellm", "genai_prices", "models_dev_metadata"))
    assets = [_stub(name, table) for name, table in tables.items()]
    assets += [_stub(name, payload) for name, payload in payloads.items()]
    result = dg.materialize_to_memory(
        [*assets, agreement_checks], resources={"warehouse": WarehouseResource(path=str(tmp_path / "wh"))}
    )
    assert result.success
    found = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(found) == {f"agreement_{source.name}" for source in PRICING}
    assert all(e.asset_key == dg.AssetKey("prices") for e in found.values())
    assert all(e.passed for e in found.values())  # a first snapshot: nothing to drift from
    models_dev = found["agreement_models_dev_metadata"]
    assert models_dev.metadata["disagreeing_routes"].value == 20 and models_dev.metadata["share"].value == 0.5
    assert "| p | 40 | 40 | 20 | 50.0% | 50.0% |" in models_dev.metadata["providers"].value
    assert found["agreement_litellm"].metadata["disagreeing_routes"].value == 0
    skipped = found["agreement_openrouter"]
    assert skipped.description == "openrouter: skipped in this sync (its host name does not resolve)"
