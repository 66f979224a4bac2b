"""Issue 21, the command line's side, each defect through the command line: terminal escapes in published values
never reach the terminal raw (12), a map past the route limit is refused in seconds (13), a future date is refused
(14), a refused payload is not kept in raw/ and special files are not read (15), and an empty location is an error
naming the option (15)."""

import gzip
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

CLI = [sys.executable, "-m", "pipelines.cli"]
ROOT = Path(__file__).resolve().parents[2]
TITLE = "\x1b]2;pwned\x07"  # sets the terminal's title
CLEAR = "\x1b[2J"  # clears the screen
RLO = "\u202e"  # displays what follows reversed
ENTRY = {
    "litellm_provider": "openai",
    "mode": "chat",
    "input_cost_per_token": 1e-6,
    "output_cost_per_token": 2e-6,
    "max_input_tokens": 128_000,
    "max_output_tokens": 4_096,
    "supports_vision": True,
}


def cli(*args, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        **kwargs,
    )


def small_map(n: int = 12) -> dict:
    return {f"openai/round3-model-{i}": {**ENTRY, "input_cost_per_token": (i + 1) * 1e-7} for i in range(n)}


def stored_payloads(warehouse: Path) -> list[bytes]:
    """Every payload kept under the warehouse's raw/ folder, decompressed."""
    raw = warehouse / "raw"
    return [gzip.decompress(p.read_bytes()) for p in raw.rglob("*.gz")] if raw.exists() else []


# defect 15 (empty): an empty location is an error naming the option, never the default in disguise


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["--litellm", ""], {}, "--litellm"),
        (["--litellm", "   "], {}, "--litellm"),
        (["--source", "genai_prices=  "], {}, "--source genai_prices="),
        ([], {"LLM_CATALOG_GENAI_PRICES": ""}, "$LLM_CATALOG_GENAI_PRICES"),
        ([], {"LLM_CATALOG_LMARENA": " "}, "$LLM_CATALOG_LMARENA"),
    ],
)
def test_defect_15_an_empty_location_is_an_error_naming_the_option(tmp_path, monkeypatch, capsys, args, env, named):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    warehouse = tmp_path / "wh"
    assert main(["sync", "--warehouse", str(warehouse), *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and named in err and "empty" in err, err
    assert len(err.strip().splitlines()) == 1
    assert not warehouse.exists()  # refused before the run: nothing synced, not even a lock file


def test_defect_15_an_empty_index_url_is_an_error_naming_the_option(tmp_path, capsys):
    assert main(["backfill", "--from-registry", "litellm", "--index-url", "", "--warehouse", str(tmp_path)]) == 1
    assert "--index-url is empty" in capsys.readouterr().err


# defect 14: a date after today (UTC, a day's slack) is refused, naming the file or the option


def test_defect_14_a_future_dated_backfill_file_is_refused_naming_it_and_nothing_is_synced(tmp_path, capsys):
    folder = tmp_path / "maps"
    folder.mkdir()
    for name in ("2025-01-01-map.json", "9999-12-31-map.json"):
        (folder / name).write_text(json.dumps(small_map()))
    warehouse = tmp_path / "wh"
    assert main(["backfill", str(folder), "--warehouse", str(warehouse), "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: backfill file ") and "9999-12-31-map.json" in err and "after today" in err, err
    assert len(err.splitlines()) == 1
    assert not Warehouse(warehouse).exists() or Warehouse(warehouse).current_id() is None


def test_defect_14_sync_as_of_a_future_day_is_refused(tmp_path, capsys):
    assert main(["sync", "--warehouse", str(tmp_path / "wh"), "--as-of", "9999-12-31"]) == 1
    err = capsys.readouterr().err
    assert "--as-of" in err and "9999-12-31" in err and "after today" in err, err
    assert not (tmp_path / "wh").exists()


def test_defect_14_tomorrow_in_utc_is_still_today_somewhere():
    from llm_catalog.history.backfill import refuse_future

    today = datetime.now(UTC).date()
    assert refuse_future(today + timedelta(days=1), "x") == today + timedelta(days=1)
    with pytest.raises(Exception, match="after today"):
        refuse_future(today + timedelta(days=2), "x")
    assert refuse_future(date(2020, 1, 1), "x") == date(2020, 1, 1)


# defect 15 (raw): a refused payload is never kept; special files are refused before a byte is read


@pytest.mark.slow
def test_defect_15_refused_payloads_are_not_kept_in_raw_and_special_files_are_not_read(tmp_path):
    warehouse = tmp_path / "wh"
    secret = "ROUND3_SECRET_VALUE_4711"
    not_json = tmp_path / "env.txt"
    not_json.write_text(f"PATH=/usr/bin\0{secret}=1\0")
    array = tmp_path / "array.json"
    array.write_text(json.dumps([secret]))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    cases = {
        "/proc/self/environ": "pseudo-file of the kernel",  # the process environment, as the issue found it stored
        "/dev/zero": "character device",
        str(fifo): "FIFO",  # reading it would block the sync for ever
        str(not_json): "not valid JSON",
        str(array): "expected a JSON object",
    }
    for location, said in cases.items():
        done = cli(
            "sync", "--warehouse", str(warehouse), "--litellm", location, "--quiet", env={secret: "1"}, timeout=120
        )
        assert done.returncode == 1 and said in done.stderr and "nothing published" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert Warehouse(warehouse).current_id() is None
    assert not (warehouse / "raw" / "litellm").exists() or not list((warehouse / "raw" / "litellm").iterdir())
    assert not any(secret.encode() in payload for payload in stored_payloads(warehouse))


# defect 13: a map past the route limit is refused as it is read, in seconds, naming source, count and limit


@pytest.mark.slow
def test_defect_13_a_map_past_the_route_limit_is_refused_in_seconds(tmp_path):
    big = tmp_path / "big.json"
    big.write_text(json.dumps({f"openai/synthetic-{i}": ENTRY for i in range(100_000)}))
    warehouse = tmp_path / "wh"
    started = time.monotonic()
    done = cli("sync", "--warehouse", str(warehouse), "--litellm", str(big), timeout=600)
    took = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "source litellm" in done.stderr and str(big) in done.stderr
    assert "100,000 routes" in done.stderr and "limit of 50,000" in done.stderr
    assert "--max-routes" in done.stderr and "LLM_CATALOG_MAX_ROUTES" in done.stderr
    assert "litellm_tables" not in done.stderr and "similarity_tables" not in done.stderr  # never normalized
    assert took < 90, took  # the sync ran 24.5 minutes before it was killed
    assert Warehouse(warehouse).current_id() is None and not stored_payloads(warehouse / "raw" / "litellm")


@pytest.mark.slow
def test_defect_13_sources_past_the_limit_together_are_refused_before_reconciliation(tmp_path):
    small = tmp_path / "small.json"
    small.write_text(json.dumps(small_map()))
    warehouse = tmp_path / "wh"
    done = cli(
        "sync", "--warehouse", str(warehouse), "--litellm", str(small), "--no-release-history", "--max-routes", "5000"
    )
    assert done.returncode == 1, done.stderr
    assert "over the limit of 5,000 routes" in done.stderr and "models_dev_metadata" in done.stderr, done.stderr
    assert "catalog_tables" not in done.stderr and "similarity_tables" not in done.stderr
    assert Warehouse(warehouse).current_id() is None


# defect 12 (terminal side): what a source slipped past the normalizers is shown, never acted on


@pytest.fixture(scope="module")
def escaped_warehouse(tmp_path_factory):
    """A published snapshot whose values hold terminal escapes and hidden code points, written into its Parquet
    after the sync: whatever the normalizers let through, the readers must show it as text."""
    root = tmp_path_factory.mktemp("escapes")
    source = root / "map.json"
    source.write_text(json.dumps(small_map()))
    warehouse = root / "wh"
    sync = ["sync", "--warehouse", str(warehouse), "--litellm", str(source), "--pricing-sources", "litellm"]
    assert main([*sync, "--no-release-history", "--quiet"]) == 0
    store = Warehouse(warehouse)
    tables = store.manifest(store.current_id())["tables"]

    def rewrite(name: str, change) -> None:
        path = warehouse / tables[name]["path"]
        table = pq.read_table(path)
        rows = table.to_pylist()
        change(rows)
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)

    def routes(rows):
        for row in rows:
            row.update(mode=f"chat{TITLE}", provider_name=f"Open{RLO}AI{CLEAR}", family=f"fam{TITLE}")
            row["input_modalities"] = [f"text{CLEAR}", "image"]
        rows.append({**rows[1], "route_id": f"openai/round3-extra{TITLE}"})  # a route of routes alone: no page

    def prices(rows):
        for row in rows:
            row["condition"] = f"over{CLEAR}128k"
            row["tier"] = f"standard{TITLE}"

    rewrite("routes", routes)
    rewrite("prices", prices)
    return warehouse


@pytest.mark.slow
def test_defect_12_show_search_query_and_errors_write_no_control_code(escaped_warehouse):
    wh = ["--warehouse", str(escaped_warehouse)]
    outputs = {
        "show": cli("show", "openai/round3-model-0", *wh),
        "show (matches)": cli("show", "round3-model-0", *wh),
        "search": cli("search", "round3", *wh),
        "query": cli("query", "SELECT route_id, mode, input_modalities, provider_name FROM routes", *wh),
        "versions": cli("versions", *wh),
        "error": cli("show", "openai/round3-extra", *wh),  # no such route: the closest are named
        "json": cli("show", "openai/round3-model-0", "--format", "json", *wh),
    }
    for what, done in outputs.items():
        written = done.stdout + done.stderr
        assert "\x1b" not in written and "\x07" not in written and RLO not in written, (what, written[:2000])
        assert "Traceback" not in written, (what, written)
    page = outputs["show"].stdout
    assert outputs["show"].returncode == 0 and "chat<U+001B>]2;pwned<U+0007>" in page
    assert "over<U+001B>[2J128k" in page and "Open<U+202E>AI" in page
    assert "openai/round3-extra<U+001B>]2;pwned<U+0007>" in outputs["search"].stdout
    assert "text<U+001B>[2J" in outputs["query"].stdout
    assert outputs["error"].returncode == 1 and "<U+001B>" in outputs["error"].stderr
    # JSON is data: the exact value, escaped by JSON itself
    assert json.loads(outputs["json"].stdout)["route"]["mode"] == f"chat{TITLE}"
