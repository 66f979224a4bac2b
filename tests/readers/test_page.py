"""The model page on the terminal (`llm-catalog show`) and reading the catalog as of a date."""

import json
from datetime import date

import pytest
from conftest import ROUTE, _sync_as_of, copy_warehouse, write_map

from llm_catalog.errors import PublishError
from llm_catalog.normalized.litellm.vocabulary import CORE_CAPABILITIES
from llm_catalog.readers import page, snapshot
from llm_catalog.readers.formatting import LENSES
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main


def test_show_prints_every_section_that_has_data_for_the_real_map(synced_warehouse, capsys):
    capsys.readouterr()
    assert main(["show", "--warehouse", str(synced_warehouse), "deepinfra/openai/gpt-oss-20b"]) == 0
    page = capsys.readouterr().out
    sections = [
        "Pricing (sources stating each price; * the one published)",
        "Token limits",
        "Capabilities",
        "Benchmarks",
        "Docs",
        "Sources",
        "Other providers of gpt-oss-20b",
        "Similar models",
    ]
    assert all(f"\n{section}" in page for section in sections)
    assert [page.index(f"\n{s}") for s in sections] == sorted(page.index(f"\n{s}") for s in sections)
    assert page.startswith("gpt-oss-20b\nDeepInfra · chat model · route deepinfra/openai/gpt-oss-20b")
    assert "  Input         $0.0300 / 1M tokens" in page and "  Output        $0.1400 / 1M tokens" in page
    assert "  Context window     131.1K" in page
    assert "  Function calling           yes" in page
    con, _ = snapshot.connect(Warehouse(synced_warehouse))  # each capability as the reconciled table states it
    stated = dict(con.execute("SELECT capability, supported FROM capabilities WHERE route_id = ?", [ROUTE]).fetchall())
    for capability in CORE_CAPABILITIES:
        label = capability.replace("_", " ").capitalize().replace("Pdf", "PDF")
        assert f"\n  {label:<25}  {({True: 'yes', False: 'no'}).get(stated.get(capability), 'unknown')}\n" in page
    assert "SWE-bench Verified" in page and "60.7%" in page and "Family gpt-oss: gpt-oss-120b" in page
    benchmarks = page.split("\nBenchmarks")[1].split("\nDocs")[0]
    assert "self_reported" in benchmarks and "model_cards https://openai.com/index/introducing-gpt-oss/" in benchmarks
    docs = page.split("\nDocs")[1].split("\nSources")[0]  # from the bundled models.dev metadata
    assert "Knowledge cutoff" in docs and "(models_dev_metadata)" in docs
    sources = {line.split()[0]: line.split() for line in page.split("\nSources\n")[1].split("\n\n")[0].splitlines()}
    as_of = str(Warehouse(synced_warehouse).as_of(Warehouse(synced_warehouse).current_id()))  # the map's release day
    assert sources["litellm"][1:] == ["(1.110.2)", "prices", as_of, "fetched", "states", "it"]
    assert sources["models_dev_metadata"][-3:] == ["fetched", "states", "it"] and sources["models_dev"][-1] == "skipped"
    assert "  Provider page  https://deepinfra.com/pricing" in page
    assert "groq/openai/gpt-oss-20b" in page.split("Other providers")[1].split("Similar models")[0]
    similar = page.split("\nSimilar models")[1]
    reference, first = similar.splitlines()[2:4]
    assert reference.split()[:3] == ["from", "gpt-oss-20b", "DeepInfra"] and "Reference row" in reference
    assert "$0.0300 / 1M tokens" in reference and "text -> text" in reference and "131.1K" in reference
    assert first.split()[0] == "1" and "gpt-oss-20b" not in first and "Text covered" in first


def test_show_an_unknown_route_suggests_close_ones(synced_warehouse, capsys):
    assert main(["show", "--warehouse", str(synced_warehouse), "deepinfra/openai/gpt-oss-20"]) == 1
    err = capsys.readouterr().err
    assert "no route 'deepinfra/openai/gpt-oss-20'" in err and "deepinfra/openai/gpt-oss-20b" in err


def test_as_of_reads_the_snapshot_current_on_a_date_and_older_snapshots_are_refused(
    hostile_warehouse, tmp_path, capsys
):
    # the hostile map's warehouse, synced as of 2026-10-01 and 2026-11-01 with the route's input price 0.04 then
    # 0.03 (conftest); a copy, as the refused sync below writes into it
    root = copy_warehouse(hostile_warehouse / "wh", tmp_path / "wh")
    warehouse = Warehouse(root)
    first, second = warehouse.snapshot_ids()
    assert (warehouse.as_of(first), warehouse.as_of(second)) == (date(2026, 10, 1), date(2026, 11, 1))
    sql = "select usd from prices where route_id = 'deepinfra/openai/gpt-oss-20b' and price_kind = 'input'"
    for day, expected in (("2026-10-15", "0.04"), ("2026-11-01", "0.03"), ("2027-01-01", "0.03")):
        capsys.readouterr()
        assert main(["query", "--warehouse", str(root), "--as-of", day, "--format", "csv", sql]) == 0
        assert capsys.readouterr().out.split() == ["usd", expected]
    assert main(["query", "--warehouse", str(root), "--as-of", "2026-09-30", sql]) == 1
    assert "no snapshot in" in (err := capsys.readouterr().err) and "as of 2026-09-30 or earlier" in err
    # a snapshot older than the newest one is refused, whatever it contains
    entries = json.loads((hostile_warehouse / "map-2026-11-01.json").read_text())
    entries[ROUTE] = {**entries[ROUTE], "input_cost_per_token": 2e-08}
    assert not _sync_as_of(root, write_map(tmp_path / "map.json", entries), "2026-10-15")
    assert warehouse.snapshot_ids() == [first, second]
    with pytest.raises(PublishError, match="already has one as of 2026-11-01"):
        warehouse.plan(sources=[], code="x", as_of=date(2026, 10, 15))


def _page_rows(warehouse, route_id: str, lens: str) -> list[dict]:
    from llm_catalog.readers import query, snapshot

    con, _ = snapshot.connect(Warehouse(warehouse))
    columns, rows = query.run(
        con, f"SELECT * FROM similar_models_page WHERE route_id = '{route_id}' AND lens = '{lens}' ORDER BY rank"
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_one_query_fills_the_similar_models_table_of_the_page(synced_warehouse):
    """The view has the reference row and every cell of the page's table, and agrees with the tables it joins."""
    rows = _page_rows(synced_warehouse, ROUTE, "overall")
    reference, ranked = rows[0], rows[1:]
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    assert reference["is_reference"] and reference["rank"] == 0 and reference["score"] is None
    assert (reference["model_name"], reference["provider_name"]) == ("gpt-oss-20b", "DeepInfra")
    assert (reference["input_price"], reference["output_price"]) == (0.03, 0.14)
    assert reference["input_price_unit"] == reference["output_price_unit"] == "usd_per_1m_tokens"
    supported = {
        c
        for (c,) in con.execute(
            "SELECT capability FROM capabilities WHERE route_id = ? AND supported", [ROUTE]
        ).fetchall()
    }
    assert {f.lower().replace(" ", "_") for f in reference["features"]} == supported & set(CORE_CAPABILITIES)
    assert {"Function calling", "Tool choice"} <= set(reference["features"])
    assert [r["rank"] for r in ranked] == list(range(1, 26))
    assert [r["score"] for r in ranked] == sorted((r["score"] for r in ranked), reverse=True)
    for row in ranked:
        other = row["other_route_id"]
        stated = {
            c
            for (c,) in con.execute(
                "SELECT capability FROM capabilities WHERE route_id = ? AND supported", [other]
            ).fetchall()
        }
        assert {f.lower().replace(" ", "_") for f in row["features"]} == {c for c in stated if c in CORE_CAPABILITIES}
        ((window, provider),) = con.execute(
            "SELECT context_window, provider FROM limits JOIN routes USING (route_id) WHERE route_id = ?", [other]
        ).fetchall()
        assert row["context_window"] == window
        assert row["same_provider"] == (provider == "deepinfra") == ("Same provider" in row["reasons"])


def test_unknown_modalities_stay_unknown_and_image_routes_show_their_own_unit(synced_warehouse):
    con, _ = snapshot.connect(Warehouse(synced_warehouse))
    ((route,),) = con.execute("""SELECT route_id FROM similar_models JOIN routes USING (route_id)
                               WHERE mode = 'image_generation' ORDER BY route_id LIMIT 1""").fetchall()
    rows = _page_rows(synced_warehouse, route, "overall")
    assert rows[0]["output_price_unit"] in ("usd_per_image", None) and rows[0]["output_modalities"] == ["image"]
    nulls = con.execute("""SELECT count(*) FROM similar_models_page p JOIN routes r ON r.route_id = p.other_route_id
                           WHERE (r.output_modalities IS NULL) <> (p.output_modalities IS NULL)""").fetchall()
    assert nulls == [(0,)]


def test_show_lens_reorders_the_similar_models_as_the_page_filter_does(synced_warehouse, capsys):
    orders = {}
    for lens in ("overall", "cost", "context", "quality"):
        capsys.readouterr()
        assert main(["show", "--warehouse", str(synced_warehouse), "deepinfra/openai/gpt-oss-20b", "--lens", lens]) == 0
        table = capsys.readouterr().out.split("\nSimilar models")[1].splitlines()[3:]
        orders[lens] = [line.split()[1] for line in table if line.strip()]
        expected = [r["model_name"] for r in _page_rows(synced_warehouse, "deepinfra/openai/gpt-oss-20b", lens)][1:21]
        assert orders[lens] == expected and len(expected) == 20  # the page shows twenty rows
    assert orders["overall"] != orders["cost"] != orders["context"] != orders["quality"]


def test_the_sites_one_table_of_every_lens_lists_what_show_lists_on_each_lens(synced_warehouse):
    """page.similar_tables (one row per listed route, every lens's rank and score in it) against page.gather on each
    lens (what `show --lens` prints), for routes of every kind of the real map; and the rows of the first lens come
    first, in its order, the others hidden until their lens is chosen."""
    con, snapshot_id = snapshot.connect(Warehouse(synced_warehouse), in_memory=True)
    route_ids = [r for (r,) in con.execute("SELECT DISTINCT route_id FROM similar_models ORDER BY 1").fetchall()]
    sample = route_ids[:: max(1, len(route_ids) // 60)]
    tables = page.similar_tables(con, sample, LENSES)
    assert set(tables) == set(sample)
    by_lens = {  # what `show --lens` prints of each route: [0] is the route itself
        lens: {
            p["route"]["route_id"]: p["similar_models"][1:]
            for p in page.gather_pages(con, snapshot_id, sample, lenses=(lens,))
        }
        for lens in LENSES
    }
    for route_id in sample:
        rows = tables[route_id]
        ranks = [r["rank_attr"].split(" ") for r in rows]
        scores = [r["score_attr"].split(" ") for r in rows]
        for at, lens in enumerate(LENSES):
            listed = by_lens[lens][route_id]
            on_lens = sorted((int(rank[at]), row) for rank, row in zip(ranks, rows, strict=True) if rank[at] != "-")
            assert [row["other_route_id"] for _, row in on_lens] == [s["other_route_id"] for s in listed], lens
            assert [rank for rank, _ in on_lens] == [s["rank"] for s in listed]
            shown = {r["other_route_id"]: s[at] for r, s in zip(rows, scores, strict=True)}
            assert [shown[s["other_route_id"]] for s in listed] == [f"{s['score']:.0%}"[:-1] for s in listed]
        first = [r["first_rank"] for r in rows if r["first_rank"] is not None]
        assert first == sorted(first) and all(r["first_rank"] is None for r in rows[len(first) :])
        assert rows[0]["reasons"] == ", ".join(by_lens[LENSES[0]][route_id][0]["reasons"])


def test_a_page_shows_the_benchmarks_of_its_model_then_its_family_up_to_the_limit(synced_warehouse):
    """The trimmed benchmark rows (benchmarks.sql) against the rule on every score the route's family has: all of
    the route's and base model's, then the family's other models' up to 20 rows in all (at least 5), and how many of
    those are left out."""
    con, snapshot_id = snapshot.connect(Warehouse(synced_warehouse))
    families = con.execute(
        "SELECT r.route_id, r.base_model, count(*) FILTER (b.base_model <> r.base_model) AS family_scores "
        "FROM routes r JOIN benchmarks b ON b.family = r.family AND b.scope = 'base_model' "
        "GROUP BY ALL ORDER BY family_scores DESC, 1"
    ).fetchall()
    assert families and families[0][2] > page.FAMILY_BENCHMARKS_SHOWN  # a family with more than a page shows
    chosen = families[:: max(1, len(families) // 40)]
    pages = {p["route"]["route_id"]: p for p in page.gather_pages(con, snapshot_id, [r for r, _, _ in chosen])}
    for route_id, base_model, family_scores in chosen:
        found = pages[route_id]
        own = [m for m in found["benchmarks"] if not m["from_family"]]
        family = [m for m in found["benchmarks"] if m["from_family"]]
        all_own = con.execute(
            "SELECT count(*) FROM benchmarks "
            "WHERE (scope = 'base_model' AND base_model = ?) OR (scope = 'route' AND route_id = ?)",
            [base_model, route_id],
        ).fetchall()[0][0]
        assert len(own) == all_own
        assert len(family) == min(family_scores, max(page.FAMILY_BENCHMARKS_SHOWN - all_own, 5))
        assert found["more_family_benchmarks"] == family_scores - len(family)
        assert found["benchmarks"] == own + family and all(m["base_model"] != base_model for m in family)
