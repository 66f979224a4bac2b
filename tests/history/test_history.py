"""History: a backfill of dated maps derived from the bundled one with known edits gives exactly the changes and
price periods those edits imply; diff, gc, backfill from git, and refusing to backfill under newer snapshots."""

import contextlib
import io
import json
import os
import subprocess
from datetime import date

import duckdb
import pyarrow as pa
import pytest

from llm_catalog import schemas
from llm_catalog.history.step import step
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.readers.formatting import readable_number
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

GPT = "deepinfra/openai/gpt-oss-20b"
NEW = "deepinfra/new-model-x"


@pytest.fixture(scope="module")
def dated_maps(tmp_path_factory, small_map):
    """Five monthly maps: the base, then an added route, a price cut, a capability flip with a limit change, and a
    removed route."""
    folder = tmp_path_factory.mktemp("dated")
    gone = next(k for k in small_map if k != GPT)
    m1 = dict(small_map)
    m2 = {**m1, NEW: {**small_map[GPT], "input_cost_per_token": 5e-08}}
    m3 = {**m2, GPT: {**m2[GPT], "input_cost_per_token": 2e-08}}
    m4 = {**m3, GPT: {**m3[GPT], "supports_function_calling": False, "max_output_tokens": 65536}}
    m5 = {k: v for k, v in m4.items() if k != gone}
    for day, content in zip(
        ("2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"), (m1, m2, m3, m4, m5), strict=True
    ):
        (folder / f"{day}-model_prices.json").write_text(json.dumps(content))
    (folder / "README.txt").write_text("not a map")
    return folder, gone, m1


@pytest.fixture(scope="module")
def backfill_run(tmp_path_factory, dated_maps):
    """The backfill of the five maps, and what it printed on stderr (its progress)."""
    folder, _, _ = dated_maps
    root = tmp_path_factory.mktemp("history") / "wh"
    progress = io.StringIO()
    with contextlib.redirect_stderr(progress):
        assert main(["backfill", "--warehouse", str(root), str(folder)]) == 0
    return root, progress.getvalue()


@pytest.fixture(scope="module")
def backfilled(backfill_run):
    return backfill_run[0]


@pytest.mark.slow  # a real sync
def test_backfill_shows_a_bar_over_the_maps_and_a_line_per_stage(backfill_run):
    lines = backfill_run[1].splitlines()
    bars = [line for line in lines if line.startswith("[")]
    assert [b.split("]")[1].split()[0] for b in bars] == ["0/5", "1/5", "2/5", "3/5", "4/5", "5/5"]
    assert bars[0].startswith("[" + "-" * 24 + "]") and bars[-1].startswith("[" + "#" * 24 + "]")
    assert "2026-03-01 2026-03-01-model_prices.json" in bars[2]
    stages = [line.split() for line in lines if line.startswith("  litellm_tables")]
    assert len(stages) == 5 and all(s[2] == "s" and s[3].startswith("litellm/routes=") for s in stages)
    assert "skipped README.txt" in backfill_run[1]


def history_table(root, name):
    warehouse = Warehouse(root)
    path = warehouse.table_path(name, warehouse.current_id())
    return duckdb.sql(f"SELECT * FROM read_parquet('{path}', hive_partitioning = false)")


def test_backfill_publishes_one_snapshot_per_dated_map_as_of_its_date(backfilled):
    warehouse = Warehouse(backfilled)
    assert [warehouse.as_of(i) for i in warehouse.snapshot_ids()] == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 4, 1),
        date(2026, 5, 1),
    ]


def as_dicts(relation) -> list[dict]:
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def test_changes_hold_exactly_the_edits_in_typed_columns_and_readable_words(backfilled, dated_maps):
    _, gone, first_map = dated_maps
    rows = as_dicts(history_table(backfilled, "changes"))
    removed = first_map[gone]  # says what it was: its mode, then its input and output prices
    said = f"{removed['mode']}: " + ", ".join(
        f"{kind} ${readable_number(removed[f'{kind}_cost_per_token'] * 1e6)} per 1M tokens"
        for kind in ("input", "output")
    )
    (removal,) = [r for r in rows if r["change"] == "removed"]
    assert removal["old_value"].startswith(said)
    assert list(rows[0])[: len(schemas.CHANGES)] == schemas.CHANGES.names
    words = sorted(
        (str(r["as_of"]), r["route_id"], r["change"], r["field"], r["old_value"], r["new_value"]) for r in rows
    )
    assert words == sorted(
        [
            ("2026-02-01", NEW, "added", "route", None, "chat: input $0.05 per 1M tokens, output $0.14 per 1M tokens"),
            ("2026-03-01", GPT, "price", "input price per 1M tokens", "$0.03", "$0.02"),
            ("2026-04-01", GPT, "capability", "function calling", "supported", "not supported"),
            ("2026-04-01", GPT, "limit", "max output tokens", "131,072", "65,536"),
            ("2026-05-01", gone, "removed", "route", removal["old_value"], None),
        ]
    )
    typed = {r["change"]: r for r in rows}
    price = {k: typed["price"][k] for k in ("price_kind", "tier", "condition", "unit", "old_usd", "new_usd")}
    assert price == {
        "price_kind": "input",
        "tier": "standard",
        "condition": None,
        "unit": "usd_per_1m_tokens",
        "old_usd": pytest.approx(0.03),
        "new_usd": pytest.approx(0.02),
    }
    assert typed["price"]["relative_change"] == -0.333333
    assert [typed["limit"][k] for k in ("limit_name", "old_limit", "new_limit")] == ["max_output_tokens", 131072, 65536]
    assert [typed["capability"][k] for k in ("capability", "old_supported", "new_supported")] == [
        "function_calling",
        True,
        False,
    ]
    # each kind fills its own typed columns and no other kind's
    assert typed["limit"]["price_kind"] is None and typed["capability"]["old_limit"] is None
    assert typed["added"]["price_kind"] is typed["added"]["limit_name"] is typed["added"]["capability"] is None
    ids = Warehouse(backfilled).snapshot_ids()
    assert {(r["snapshot_id"], r["previous_snapshot_id"]) for r in rows} == {(ids[i], ids[i - 1]) for i in (1, 2, 3, 4)}


def test_price_history_holds_exactly_the_periods(backfilled, dated_maps):
    _, gone, first_map = dated_maps
    got = {
        (r, k, t, c, u, usd, str(f), str(v) if v else None)
        for r, k, t, c, u, usd, f, v in history_table(backfilled, "price_history").fetchall()
    }
    expected = set()
    for p in normalize(first_map).tables["prices"].to_pylist():
        key = (p["route_id"], p["price_kind"], p["tier"], p["condition"], p["unit"])
        if key == (GPT, "input", "standard", None, "usd_per_1m_tokens"):
            expected |= {(*key, 0.03, "2026-01-01", "2026-03-01"), (*key, 0.02, "2026-03-01", None)}
        else:
            expected.add((*key, p["usd"], "2026-01-01", "2026-05-01" if p["route_id"] == gone else None))
    expected |= {
        (NEW, "input", "standard", None, "usd_per_1m_tokens", 0.05, "2026-02-01", None),
        (NEW, "output", "standard", None, "usd_per_1m_tokens", 0.14, "2026-02-01", None),
    }
    assert got == expected


def test_limit_and_capability_history(backfilled):
    limits = history_table(backfilled, "limit_history").filter(
        f"route_id = '{GPT}' AND limit_name = 'max_output_tokens'"
    )
    assert sorted((v, str(f), str(t) if t else None) for _, _, v, f, t in limits.fetchall()) == [
        (65536, "2026-04-01", None),
        (131072, "2026-01-01", "2026-04-01"),
    ]
    caps = history_table(backfilled, "capability_history").filter(
        f"route_id = '{GPT}' AND capability = 'function_calling'"
    )
    assert sorted((s, str(f), str(t) if t else None) for _, _, s, f, t in caps.fetchall()) == [
        (False, "2026-04-01", None),
        (True, "2026-01-01", "2026-04-01"),
    ]


def test_diff_and_as_of(backfilled, capsys):
    ids = Warehouse(backfilled).snapshot_ids()
    capsys.readouterr()
    assert main(["diff", "--warehouse", str(backfilled), ids[1], ids[3]]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("(as of 2026-04-01): 3 changes")
    assert "  price      1\n  correction 0\n  limit      1\n  capability 1\n" in out
    assert f"{GPT}  input price per 1M tokens: $0.03 -> $0.02 (-33.3%)" in out
    assert f"{GPT}  max output tokens: 131,072 -> 65,536" in out
    assert "|" not in out.split("\nprice")[1]  # no raw price keys
    assert main(["diff", "--warehouse", str(backfilled), ids[1], ids[3], "--format", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert as_json["total"] == 3 and as_json["counts"]["price"] == 1 and as_json["new"]["as_of"] == "2026-04-01"
    price = as_json["changes"]["price"][0]
    assert price["detail"] in out and price["label"] == price["field"] == "input price per 1M tokens"
    assert (price["route_id"], price["price_kind"], price["old_usd"], price["new_usd"], price["relative_change"]) == (
        GPT,
        "input",
        pytest.approx(0.03),
        pytest.approx(0.02),
        pytest.approx(-1 / 3, abs=1e-4),
    )
    (limit,) = as_json["changes"]["limit"]
    assert (limit["limit_name"], limit["old_limit"], limit["new_limit"]) == ("max_output_tokens", 131072, 65536)
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(backfilled),
                "--as-of",
                "2026-03-15",
                "--format",
                "csv",
                f"SELECT usd FROM prices WHERE route_id = '{GPT}' AND price_kind = 'input'",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.split() == ["usd", "0.02"]


def test_backfill_under_newer_snapshots_is_refused(backfilled, dated_maps, capsys):
    folder, _, _ = dated_maps
    before = Warehouse(backfilled).snapshot_ids()
    capsys.readouterr()
    assert main(["backfill", "--warehouse", str(backfilled), str(folder)]) == 1
    assert "already has a snapshot as of 2026-05-01, later than the first map (2026-01-01)" in capsys.readouterr().err
    assert Warehouse(backfilled).snapshot_ids() == before


def test_gc_keeps_the_newest_and_the_history(tmp_path, backfilled, capsys):
    import shutil

    root = tmp_path / "wh"
    shutil.copytree(backfilled, root)
    changes_before = history_table(root, "changes").fetchall()
    assert main(["gc", "--warehouse", str(root), "--keep", "2"]) == 0
    warehouse = Warehouse(root)
    assert [warehouse.as_of(i) for i in warehouse.snapshot_ids()] == [date(2026, 4, 1), date(2026, 5, 1)]
    assert warehouse.verify() == []
    assert history_table(root, "changes").fetchall() == changes_before  # history still covers the removed ones
    assert not (root / "routes" / f"snapshot={Warehouse(backfilled).snapshot_ids()[0]}").exists()


@pytest.mark.slow  # a real sync
def test_backfill_from_a_git_history_one_snapshot_per_month(tmp_path, dated_maps, capsys):
    folder, _, _ = dated_maps
    repo = tmp_path / "litellm"
    repo.mkdir()
    git = lambda *args, when=None: subprocess.run(  # noqa: E731
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.test",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.test",
            **({"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when} if when else {}),
        },
    )
    git("init", "-q")
    maps = sorted(folder.glob("2026-*.json"))
    # two commits in January (the later one counts), one in February, one in March
    for source, when in (
        (maps[0], "2026-01-05T10:00:00"),
        (maps[1], "2026-01-20T10:00:00"),
        (maps[2], "2026-02-10T10:00:00"),
        (maps[3], "2026-03-03T10:00:00"),
    ):
        (repo / "model_prices_and_context_window.json").write_bytes(source.read_bytes())
        git("add", "-A")
        git("commit", "-q", "-m", source.name, when=when)
    root = tmp_path / "wh"
    assert (
        main(["backfill", "--warehouse", str(root), "--git", str(repo), "--every", "month", "--since", "2026-01-01"])
        == 0
    )
    warehouse = Warehouse(root)
    assert [warehouse.as_of(i) for i in warehouse.snapshot_ids()] == [
        date(2026, 1, 20),
        date(2026, 2, 10),
        date(2026, 3, 3),
    ]
    changes = {(str(r[2]), r[4]) for r in history_table(root, "changes").fetchall()}
    assert changes == {("2026-02-10", "price"), ("2026-03-03", "capability"), ("2026-03-03", "limit")}


def test_snapshots_older_than_a_table_are_still_queryable(tmp_path, backfilled, capsys):
    """A snapshot published before the history tables existed: its other tables stay queryable."""
    import shutil

    root = tmp_path / "wh"
    shutil.copytree(backfilled, root)
    warehouse = Warehouse(root)
    first = warehouse.snapshot_ids()[0]
    manifest_path = root / "manifests" / f"{first}.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["tables"]["changes"]
    manifest_path.write_text(json.dumps(manifest))
    shutil.rmtree(root / "changes" / f"snapshot={first}")
    capsys.readouterr()
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(root),
                "--snapshot",
                first,
                "--format",
                "csv",
                f"SELECT count(*) AS n FROM routes WHERE route_id = '{GPT}'",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.split() == ["n", "1"]
    assert main(["query", "--warehouse", str(root), "--snapshot", first, "SELECT * FROM changes"]) == 1
    assert "changes does not exist" in capsys.readouterr().err


def test_a_changes_table_from_before_the_typed_columns_carries_on_reworded_and_typed(small_map):
    """A warehouse whose changes table has the first layout (a price's field 'kind|tier|condition|unit', values as
    bare text): the next sync's history keeps those rows, in the words and typed columns of the current layout."""
    first_layout = pa.table(
        {
            "snapshot_id": ["20260201T000000Z-b"] * 5,
            "previous_snapshot_id": ["20260101T000000Z-a"] * 5,
            "as_of": [date(2026, 2, 1)] * 5,
            "route_id": [NEW, GPT, GPT, GPT, GPT],
            "change": ["added", "price", "limit", "capability", "modality"],
            "field": [
                None,
                "cache_read|batch|above_200k_tokens|usd_per_1m_tokens",
                "max_output_tokens",
                "vision",
                "input_modalities",
            ],  # fmt: skip
            "old_value": [None, "0.03", "131072", "true", "[text]"],
            "new_value": [None, "0.02", "65536", None, "[text, image]"],
            "relative_change": [None, -0.333333, None, None, None],
        }
    )
    state = normalize(small_map).tables
    carried = step(
        {**state, "changes": first_layout},
        state,
        snapshot_id="20260301T000000Z-c",
        previous_snapshot_id="20260201T000000Z-b",
        as_of=date(2026, 3, 1),
    )["changes"]
    assert carried.schema == schemas.CHANGES
    rows = carried.to_pylist()
    assert [(r["field"], r["old_value"], r["new_value"]) for r in rows] == [
        ("route", None, None),
        ("cache read price per 1M tokens, batch tier, above 200K tokens", "$0.03", "$0.02"),
        ("max output tokens", "131,072", "65,536"),
        ("vision", "supported", "not stated"),
        ("input modalities", "text", "text, image"),
    ]
    price, limit, capability = rows[1:4]
    assert [price[k] for k in ("price_kind", "tier", "condition", "unit", "old_usd", "new_usd")] == [
        "cache_read",
        "batch",
        "above_200k_tokens",
        "usd_per_1m_tokens",
        0.03,
        0.02,
    ]
    assert [limit[k] for k in ("limit_name", "old_limit", "new_limit")] == ["max_output_tokens", 131072, 65536]
    assert [capability[k] for k in ("capability", "old_supported", "new_supported")] == ["vision", True, None]
