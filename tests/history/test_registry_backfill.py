"""backfill --from-registry through the real command line, against a package index on 127.0.0.1 serving hand-made
litellm wheels holding real map entries: one snapshot per month dated by its release's upload time, the price change
at the right as_of, a re-run that adds only what is missing and downloads nothing twice; a broken release stops the
backfill before anything is published, in one line naming the package, the release and what is wrong. And
sync --as-of."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from datetime import date

import duckdb
import pytest
from sources.package_index import Upload, litellm_wheel, serving, wheel

from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

GPT = "deepinfra/openai/gpt-oss-20b"
NEW = "deepinfra/new-model-x"


def run(*argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of the command line."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def maps(small_map):
    """Real entries: the base map, then GPT's input price cut ($0.03 -> $0.02 per 1M), then a route added."""
    cut = {**small_map, GPT: {**small_map[GPT], "input_cost_per_token": 2e-08}}
    return small_map, cut, {**cut, NEW: {**small_map[GPT], "input_cost_per_token": 5e-08}}


def releases(maps) -> list[Upload]:
    base, cut, added = maps
    return [
        Upload("1.70.0", "2025-12-01T10:00:00Z", litellm_wheel("1.70.0", base)),  # before --since
        Upload("1.80.0", "2026-01-05T09:00:00Z", litellm_wheel("1.80.0", base)),
        Upload("1.80.1", "2026-01-25T21:10:00Z", litellm_wheel("1.80.1", base)),  # January's highest
        Upload("1.81.0", "2026-02-10T23:30:00Z", litellm_wheel("1.81.0", cut)),
        Upload("1.79.9", "2026-02-28T09:00:00Z", wheel("litellm", "1.79.9", {})),  # a backport: never read
        Upload("1.82.0rc1", "2026-03-02T09:00:00Z", wheel("litellm", "1.82.0rc1", {})),  # a pre-release
        Upload("1.82.0", "2026-03-03T09:00:00Z", wheel("litellm", "1.82.0", {}), yanked=True),
        Upload("1.82.1", "2026-03-15T08:00:00Z", litellm_wheel("1.82.1", added)),
    ]


@pytest.fixture(scope="module")
def index(maps):
    with serving() as served:
        served.publish("litellm", releases(maps))
        yield served


@pytest.fixture(scope="module")
def backfilled(index, tmp_path_factory):
    """The backfill of January to March, then a re-run of it: (warehouse, first run, re-run, wheels downloaded)."""
    root = tmp_path_factory.mktemp("registry") / "wh"
    argv = ("backfill", "--from-registry", "litellm", "--since", "1.80.0", "--index-url", index.base)
    first = run(*argv, "--every", "month", "--warehouse", str(root))
    downloaded = index.wheel_requests()
    again = run(*argv, "--warehouse", str(root))  # --every month is the default
    return root, first, again, downloaded, index.wheel_requests()[len(downloaded) :]


def changes(root) -> list[tuple]:
    warehouse = Warehouse(root)
    path = warehouse.table_path("changes", warehouse.current_id())
    return duckdb.sql(
        f"SELECT as_of::VARCHAR, route_id, change, relative_change FROM read_parquet('{path}', "
        "hive_partitioning = false) ORDER BY ALL"
    ).fetchall()


@pytest.mark.slow  # three real syncs
def test_one_snapshot_per_month_dated_by_the_upload_time(backfilled):
    root, (code, out, err), _, downloaded, _ = backfilled
    assert code == 0, err
    warehouse = Warehouse(root)
    assert [warehouse.as_of(i) for i in warehouse.snapshot_ids()] == [
        date(2026, 1, 25),
        date(2026, 2, 10),
        date(2026, 3, 15),
    ]
    assert downloaded == [f"litellm-{v}-py3-none-any.whl" for v in ("1.80.1", "1.81.0", "1.82.1")]
    lines = err.splitlines()
    assert lines[:3] == [
        "reading litellm==1.80.1 (uploaded 2026-01-25 21:10Z)",
        "reading litellm==1.81.0 (uploaded 2026-02-10 23:30Z)",
        "reading litellm==1.82.1 (uploaded 2026-03-15 08:00Z)",
    ]
    bars = [line for line in lines if line.startswith("[")]
    assert [b.split("]")[1].strip() for b in bars] == [
        "0/3  2026-01-25 litellm==1.80.1",
        "1/3  2026-02-10 litellm==1.81.0",
        "2/3  2026-03-15 litellm==1.82.1",
        "3/3  3 map(s) backfilled",
    ]
    assert [line.split(": ")[0] for line in out.splitlines()] == [
        "2026-01-25 litellm==1.80.1",
        "2026-02-10 litellm==1.81.0",
        "2026-03-15 litellm==1.82.1",
    ]
    assert all("published snapshot" in line for line in out.splitlines())


@pytest.mark.slow
def test_changes_hold_the_price_cut_and_the_added_route_at_their_release_dates(backfilled):
    assert changes(backfilled[0]) == [
        ("2026-02-10", GPT, "price", -0.333333),
        ("2026-03-15", NEW, "added", None),
    ]


@pytest.mark.slow
def test_a_rerun_adds_nothing_and_downloads_nothing(backfilled):
    root, _, (code, out, err), _, downloaded_again = backfilled
    assert code == 0, err
    assert err.splitlines() == [
        "skipped 3 release(s) dated on or before 2026-03-15, the newest snapshot's as_of: 1.80.1 (2026-01-25), "
        "1.81.0 (2026-02-10), 1.82.1 (2026-03-15)"
    ]
    assert out == f"nothing to backfill: every picked release of litellm is already in {root}\n"
    assert downloaded_again == [] and len(Warehouse(root).snapshot_ids()) == 3


@pytest.mark.slow
def test_a_new_release_is_added_on_top_and_sync_as_of_dates_a_sync(backfilled, index, maps, tmp_path):
    root = backfilled[0]
    _, _, added = maps
    april = {**added, GPT: {**added[GPT], "output_cost_per_token": 1e-07}}
    april_release = Upload("1.83.0", "2026-04-02T12:00:00Z", litellm_wheel("1.83.0", april))
    index.publish("litellm", [*releases(maps), april_release])
    before = len(index.wheel_requests())
    code, _, err = run("backfill", "--from-registry", "litellm", "--since", "1.80.0", "--index-url", index.base,
                       "--warehouse", str(root), "--quiet")  # fmt: skip
    assert (code, err) == (0, "")
    assert index.wheel_requests()[before:] == ["litellm-1.83.0-py3-none-any.whl"]
    assert Warehouse(root).as_of(Warehouse(root).current_id()) == date(2026, 4, 2)
    raised = round(1e-07 / added[GPT]["output_cost_per_token"] - 1, 6)
    assert raised != 0 and ("2026-04-02", GPT, "price", raised) in changes(root)

    may = tmp_path / "may.json"
    may.write_text(json.dumps({**april, GPT: {**april[GPT], "input_cost_per_token": 1e-08}}))
    code, _, err = run("sync", "--litellm", str(may), "--as-of", "2026-03-01", "--warehouse", str(root), "--quiet")
    assert code == 1
    assert "refusing a snapshot as of 2026-03-01: the warehouse already has one as of 2026-04-02" in err
    assert len(Warehouse(root).snapshot_ids()) == 4
    code, out, err = run("sync", "--litellm", str(may), "--as-of", "2026-05-01", "--warehouse", str(root), "--quiet")
    assert (code, out, err) == (0, "", "")
    assert Warehouse(root).as_of(Warehouse(root).current_id()) == date(2026, 5, 1)
    assert ("2026-05-01", GPT, "price", -0.5) in changes(root)


@pytest.mark.parametrize("text", ["2026-13-01", "yesterday", "20260101", "2026-1-5"])
def test_sync_as_of_takes_only_a_date(text, tmp_path):
    root = tmp_path / "wh"
    code, out, err = run("sync", "--as-of", text, "--warehouse", str(root))
    assert code == 1 and out == ""
    assert err == (f"error: --as-of takes a date as YYYY-MM-DD (the day the synced data describes), got {text!r}\n")
    assert Warehouse(root).snapshot_ids() == []


def broken_index(served, maps, case: str) -> None:
    """The three monthly releases, the second one broken as ``case`` says."""
    base, cut, _ = maps
    good = litellm_wheel("1.81.0", cut)
    second = {
        "wrong sha256": Upload("1.81.0", "2026-02-10T23:30:00Z", good, stated_sha256="0" * 64),
        "404": Upload("1.81.0", "2026-02-10T23:30:00Z", good),
        "no member": Upload("1.81.0", "2026-02-10T23:30:00Z", wheel("litellm", "1.81.0", {"litellm/x.py": b""})),
    }.get(case, Upload("1.81.0", "2026-02-10T23:30:00Z", good))
    served.publish(
        "litellm",
        [
            Upload("1.80.1", "2026-01-25T21:10:00Z", litellm_wheel("1.80.1", base)),
            second,
            Upload("1.82.1", "2026-03-15T08:00:00Z", litellm_wheel("1.82.1", cut)),
        ],
    )
    if case == "404":
        del served.files["/packages/litellm-1.81.0-py3-none-any.whl"]
    if case == "not JSON":
        served.files["/pypi/litellm/json"] = b"<html><body>Service Unavailable</body></html>"


@pytest.mark.parametrize(
    ("case", "said"),
    [
        (
            "wrong sha256",
            "error: source litellm==1.81.0: litellm-1.81.0-py3-none-any.whl has sha256 {sha}, the index states "
            + "0" * 64
            + ": a broken or altered download",
        ),
        (
            "404",
            "error: source litellm==1.81.0: GET {base}/packages/litellm-1.81.0-py3-none-any.whl answered HTTP 404 "
            "Not Found",
        ),
        (
            "no member",
            "error: source litellm==1.81.0: litellm-1.81.0-py3-none-any.whl has no "
            "litellm/model_prices_and_context_window_backup.json",
        ),
        (
            "not JSON",
            "error: source litellm: {base}/pypi/litellm/json is not the index's JSON API: not JSON (Expecting value: "
            "line 1 column 1 (char 0))",
        ),
    ],
)
def test_a_broken_release_is_one_line_and_publishes_nothing(case, said, maps, tmp_path):
    root = tmp_path / "wh"
    with serving() as served:
        broken_index(served, maps, case)
        code, out, err = run(
            "backfill", "--from-registry", "litellm", "--every", "release", "--index-url", served.base,
            "--warehouse", str(root), "--quiet",
        )  # fmt: skip
    sha = hashlib.sha256(litellm_wheel("1.81.0", maps[1])).hexdigest()
    assert code == 1 and out == ""
    assert err == said.format(base=served.base, sha=sha) + "\n"
    assert Warehouse(root).snapshot_ids() == []  # the first release was fine: still nothing published


def test_backfill_options_that_do_not_go_together(tmp_path, index):
    root = str(tmp_path / "wh")
    code, _, err = run("backfill", "--from-registry", "litellm", str(tmp_path), "--warehouse", root)
    assert (code, err) == (1, "error: backfill takes one of a folder, --git REPO or --from-registry PACKAGE\n")
    code, _, err = run("backfill", "--from-registry", "litellm", "--every", "day", "--index-url", index.base,
                       "--warehouse", root)  # fmt: skip
    assert (code, err) == (1, "error: --every takes one of release, week, month, got 'day'\n")
    code, _, err = run("backfill", "--from-registry", "litellm", "--since", "9.0.0", "--index-url", index.base,
                       "--warehouse", root)  # fmt: skip
    assert (code, err) == (1, "error: nothing to backfill: no release of litellm matches --since 9.0.0\n")
