"""The model page on the terminal (`llm-catalog show`) and reading the catalog as of a date."""

import json
from datetime import date

import pytest

from llm_catalog import schemas
from llm_catalog.errors import PublishError
from llm_catalog.warehouse import Warehouse
from pipelines.cli import main


def test_show_prints_every_section_that_has_data_for_the_real_map(synced_warehouse, capsys):
    capsys.readouterr()
    assert main(["show", "--warehouse", str(synced_warehouse), "deepinfra/openai/gpt-oss-20b"]) == 0
    page = capsys.readouterr().out
    sections = ["Pricing", "Token limits", "Capabilities", "Benchmarks", "Docs", "Sources", "Other providers of gpt-oss-20b",
                "Similar models"]
    assert all(f"\n{section}" in page for section in sections)
    assert [page.index(f"\n{s}") for s in sections] == sorted(page.index(f"\n{s}") for s in sections)
    assert page.startswith("gpt-oss-20b\nDeepInfra · chat model · route deepinfra/openai/gpt-oss-20b")
    assert "  Input         $0.0300 / 1M tokens" in page and "  Output        $0.1400 / 1M tokens" in page
    assert "  Context window     131.1K" in page
    assert "  Function calling           yes" in page and "  Vision                     unknown" in page
    assert "SWE-bench Verified" in page and "60.7%" in page and "Family gpt-oss: gpt-oss-120b" in page
    benchmarks = page.split("\nBenchmarks")[1].split("\nDocs")[0]
    assert "self_reported" in benchmarks and "model_cards https://openai.com/index/introducing-gpt-oss/" in benchmarks
    docs = page.split("\nDocs")[1].split("\nSources")[0]  # from the bundled models.dev metadata
    assert "Knowledge cutoff" in docs and "(models_dev_metadata)" in docs
    assert "models_dev_metadata (fetched: " in page and "models_dev (skipped)" in page
    assert "LiteLLM model cost map (1.110.2)" in page and "https://deepinfra.com/pricing" in page
    assert "groq/openai/gpt-oss-20b" in page.split("Other providers")[1].split("Similar models")[0]
    similar = page.split("Similar models")[1]
    assert "gpt-oss-20b" not in similar and "Text covered" in similar


def test_show_an_unknown_route_suggests_close_ones(synced_warehouse, capsys):
    assert main(["show", "--warehouse", str(synced_warehouse), "deepinfra/openai/gpt-oss-20"]) == 1
    err = capsys.readouterr().err
    assert "no route 'deepinfra/openai/gpt-oss-20'" in err and "deepinfra/openai/gpt-oss-20b" in err


def test_as_of_reads_the_snapshot_current_on_a_date_and_older_snapshots_are_refused(tmp_path, small_map, capsys):
    root = tmp_path / "wh"
    path = tmp_path / "map.json"
    path.write_text(json.dumps(small_map))
    from pipelines.definitions import build_definitions
    import dagster as dg

    def sync(day: str, price: float) -> bool:
        entry = {**small_map["deepinfra/openai/gpt-oss-20b"], "input_cost_per_token": price}
        path.write_text(json.dumps({**small_map, "deepinfra/openai/gpt-oss-20b": entry}))
        job = build_definitions(warehouse=str(root), litellm=str(path), as_of=day).resolve_job_def("sync")
        return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False).success

    assert sync("2026-01-10", 3e-08) and sync("2026-03-01", 2.5e-08)
    warehouse = Warehouse(root)
    first, second = warehouse.snapshot_ids()
    assert (warehouse.as_of(first), warehouse.as_of(second)) == (date(2026, 1, 10), date(2026, 3, 1))
    sql = "select usd from prices where route_id = 'deepinfra/openai/gpt-oss-20b' and price_kind = 'input'"
    for day, expected in (("2026-02-15", "0.03"), ("2026-03-01", "0.025"), ("2027-01-01", "0.025")):
        capsys.readouterr()
        assert main(["query", "--warehouse", str(root), "--as-of", day, "--format", "csv", sql]) == 0
        assert capsys.readouterr().out.split() == ["usd", expected]
    assert main(["query", "--warehouse", str(root), "--as-of", "2025-12-31", sql]) == 1
    assert "no snapshot in" in (err := capsys.readouterr().err) and "as of 2025-12-31 or earlier" in err
    # a snapshot older than the newest one is refused, whatever it contains
    assert not sync("2026-02-01", 2e-08)
    assert warehouse.snapshot_ids() == [first, second]
    with pytest.raises(PublishError, match="already has one as of 2026-03-01"):
        warehouse.publish({name: schema.empty_table() for name, schema in schemas.TABLES.items()},
                          sources=[], code="x", as_of=date(2026, 2, 1))
