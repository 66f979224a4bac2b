"""Finding routes (`search`, `show` given a base model or an unknown id) and machine-readable output of `show` and
`versions`, on the real bundled map."""

from __future__ import annotations

import json

from llm_catalog.readers import snapshot
from llm_catalog.readers.formatting import readable_number
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main


def gpt_oss_20b_routes(root) -> set[str]:
    con, _ = snapshot.connect(Warehouse(root))
    return {
        r[0]
        for r in con.execute(
            "SELECT route_id FROM routes WHERE base_model = 'gpt-oss-20b' "
            "AND (duplicate_of IS NULL OR duplicate_of = route_id)"
        ).fetchall()
    }


def test_search_lists_the_routes_of_a_base_model_first(synced_warehouse, capsys):
    expected = gpt_oss_20b_routes(synced_warehouse)
    assert len(expected) >= 10
    capsys.readouterr()
    assert (
        main(
            [
                "search",
                "--warehouse",
                str(synced_warehouse),
                "GPT-OSS-20B",
                "--limit",
                str(len(expected) + 5),
                "--format",
                "json",
            ]
        )
        == 0
    )
    found = json.loads(capsys.readouterr().out)
    assert {r["route_id"] for r in found[: len(expected)]} == expected
    assert all(r["score"] < found[len(expected) - 1]["score"] for r in found[len(expected) :])
    assert main(["search", "--warehouse", str(synced_warehouse), "gpt-oss-20b"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[2].split()[0] in expected


def test_search_is_fuzzy_across_provider_and_family(synced_warehouse, capsys):
    capsys.readouterr()
    assert main(["search", "--warehouse", str(synced_warehouse), "Deep Infra", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    # Deep Infra's routes first; a reseller's route of Deep Infra (models.dev's edenai/deepinfra/...) also matches
    assert found[0]["route_id"].startswith("deepinfra/") and all("deepinfra/" in r["route_id"] for r in found)
    assert main(["search", "--warehouse", str(synced_warehouse), "gpt-oss-20", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["base_model"] in ("gpt-oss-20b", "gpt-oss-120b")


def test_show_a_base_model_lists_its_routes(synced_warehouse, capsys):
    expected = gpt_oss_20b_routes(synced_warehouse)
    capsys.readouterr()
    assert main(["show", "--warehouse", str(synced_warehouse), "gpt-oss-20b"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"'gpt-oss-20b' is not a route id; {len(expected)} route(s) match it:")
    assert all(route in out for route in expected)


def test_show_a_provider_qualified_name_finds_the_route(synced_warehouse, capsys):
    capsys.readouterr()
    assert main(["show", "--warehouse", str(synced_warehouse), "openai/gpt-4o"]) == 0
    out = capsys.readouterr().out
    matches, page = out.split("\n\n", 1)
    assert matches.splitlines()[3].split()[0] == "gpt-4o"  # first row under the header
    assert page.startswith("gpt-4o\nOpenAI · chat model · route gpt-4o")
    assert main(["show", "--warehouse", str(synced_warehouse), "openai/gpt-4o", "--format", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert as_json["matches"][0]["route_id"] == "gpt-4o" and as_json["page"]["route"]["route_id"] == "gpt-4o"


def test_show_json_round_trips_the_page(synced_warehouse, capsys):
    route = "deepinfra/openai/gpt-oss-20b"
    capsys.readouterr()
    assert main(["show", "--warehouse", str(synced_warehouse), route]) == 0
    text = capsys.readouterr().out
    assert main(["show", "--warehouse", str(synced_warehouse), route, "--format", "json"]) == 0
    page = json.loads(capsys.readouterr().out)
    assert page["route"]["route_id"] == route and page["route"]["base_model"] == "gpt-oss-20b"
    con, snapshot_id = snapshot.connect(Warehouse(synced_warehouse))
    stated = con.execute(
        "SELECT price_kind, tier, condition, unit, usd FROM prices WHERE route_id = ?", [route]
    ).fetchall()
    assert sorted((p["price_kind"], p["tier"], p["condition"], p["unit"], p["usd"]) for p in page["prices"]) == sorted(
        stated
    )
    assert f"${page['prices'][0]['usd']:.4f}" in text
    assert page["limits"]["context_window"] == 131072 and "131.1K" in text
    stated = dict(con.execute("SELECT capability, supported FROM capabilities WHERE route_id = ?", [route]).fetchall())
    assert page["capabilities"] == {c: stated.get(c) for c in page["capabilities"]} and stated["function_calling"]
    assert page["sources"]["snapshot_id"] == snapshot_id and str(page["sources"]["as_of"]) in text
    assert [a["other_route_id"] for a in page["alternatives"]] and all(
        a["other_route_id"] in text for a in page["alternatives"]
    )
    assert page["similar_models"][0]["rank"] == 0 and all(
        s["model_name"] in text and s["provider_name"] in text for s in page["similar_models"]
    )
    assert all(b["benchmark_name"] in text for b in page["benchmarks"])


def test_versions_json_and_text_show_as_of(synced_warehouse, capsys):
    capsys.readouterr()
    assert main(["versions", "--warehouse", str(synced_warehouse), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    current = Warehouse(synced_warehouse).current_id()
    assert [v["snapshot_id"] for v in listed if v["current"]] == [current]
    assert listed[0]["as_of"] == str(Warehouse(synced_warehouse).as_of(listed[0]["snapshot_id"]))
    assert listed[0]["rows"]["routes"] > 4000
    assert main(["versions", "--warehouse", str(synced_warehouse)]) == 0
    assert f"* {current}  as of {listed[0]['as_of']}  routes={listed[0]['rows']['routes']}" in capsys.readouterr().out


def test_numbers_read_as_a_person_writes_them():
    assert readable_number(0.04499999999999999) == "0.045"
    assert readable_number("2e-05") == "0.00002"
    assert readable_number(0.019999999999999997) == "0.02"
    assert readable_number(131072.0) == "131,072"
    assert readable_number(3) == "3"
