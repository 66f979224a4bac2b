"""Issue 21, the warehouse's defects, each through the command line: a deleted lock file does not let a second sync
run (6); a failure after the publish still says the snapshot was published (8); a clock that steps back neither
makes an id that sorts first nor lets a cleanup remove a snapshot that was current (9); `--snapshot` takes ids, not
paths (10); what a publish writes is readable by others under umask 022 (11); a stray manifest or a broken CURRENT
is one clear line naming the file (15)."""

import json
import os
import shutil
import signal
import sqlite3
import stat
from datetime import UTC, datetime, timedelta

import pytest
from conftest import copy_warehouse
from test_faults import sync_process, wait_for

from llm_catalog import schemas
from llm_catalog.warehouse import publish
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main
from pipelines.run_log import RunLogStorage

pytestmark = pytest.mark.slow  # end to end: syncs of a small map through the command line

ROUTE = "deepinfra/openai/gpt-oss-20b"


@pytest.fixture(scope="module")
def maps(small_map, tmp_path_factory) -> dict[str, str]:
    """The small map and two changed versions of it (a price of ROUTE moved), as files."""
    folder = tmp_path_factory.mktemp("maps")
    written = {}
    for name, price in (("good", None), ("changed", 2.5e-08), ("changed_again", 3.5e-08)):
        entries = (
            small_map if price is None else {**small_map, ROUTE: {**small_map[ROUTE], "input_cost_per_token": price}}
        )
        (folder / f"{name}.json").write_text(json.dumps(entries))
        written[name] = str(folder / f"{name}.json")
    return written


@pytest.fixture(scope="module")
def base(small_synced, tmp_path_factory):
    """One warehouse synced from the small map under umask 022 (the session's), for the module; each test copies it."""
    return copy_warehouse(small_synced, tmp_path_factory.mktemp("base") / "wh")


@pytest.fixture
def warehouse(base, tmp_path):
    return copy_warehouse(base, tmp_path / "wh")


def test_what_a_publish_writes_is_readable_by_other_users_under_umask_022(base):
    """Defect 11: CURRENT, the manifests and the validation reports were 0600 (mkstemp), the Parquet 0644."""
    current = Warehouse(base).current_id()
    published = [
        base / "CURRENT",
        base / "manifests" / f"{current}.json",
        base / "validation" / f"{current}.json",
        Warehouse(base).table_path("routes", current),
        *sorted((base / "raw").glob("*/*.gz")),  # the kept payloads too (they were mkstemp's 0600 as well)
    ]
    assert len(published) > 4
    modes = {str(path.relative_to(base)): oct(stat.S_IMODE(path.stat().st_mode)) for path in published}
    assert modes == dict.fromkeys(modes, "0o644")


def test_a_deleted_lock_file_does_not_let_a_second_sync_run_beside_the_first(warehouse, maps, tmp_path, capsys):
    """Defect 6: with `.lock` removed under a running sync, a second sync took a new lock file and published too."""
    before = Warehouse(warehouse).snapshot_ids()
    marker = tmp_path / "_paused"
    first = sync_process(warehouse, maps["changed"], pause_at=("writing_parquet", marker))
    try:
        wait_for(marker, first)
        (warehouse / ".lock").unlink()
        capsys.readouterr()
        code = main(["sync", "--warehouse", str(warehouse), "--litellm", maps["changed_again"], "--lock-timeout", "1"])
        err = capsys.readouterr().err
        assert code == 1
        assert err.startswith(f"error: warehouse {warehouse} is locked by ") and "gave up after 1s" in err, err
        assert len(err.strip().splitlines()) == 1
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert Warehouse(warehouse).snapshot_ids() == before  # the second sync published nothing


def _full_disk_once(monkeypatch, when) -> None:
    """Dagster's run log raises "database or disk is full" at the first event for which ``when()`` holds."""
    store_event = RunLogStorage.store_event

    def failing(self, event):
        if when():
            raise sqlite3.OperationalError("database or disk is full")
        return store_event(self, event)

    monkeypatch.setattr(RunLogStorage, "store_event", failing)


def test_a_failure_before_the_publish_says_nothing_changed(warehouse, maps, monkeypatch, capsys):
    """Defect 8: the run log failing on a full disk printed Dagster's error alone, saying nothing of the warehouse."""
    before = Warehouse(warehouse).current_id()
    _full_disk_once(monkeypatch, lambda: True)
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", maps["changed"], "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "database or disk is full" in err
    assert f"nothing published; snapshot {before} stays current" in err
    assert Warehouse(warehouse).current_id() == before


def test_a_failure_after_the_publish_says_the_snapshot_is_published(warehouse, maps, monkeypatch, capsys):
    """Defect 8: the publish moved CURRENT, then the run log hit a full disk: the sync said only the error."""
    before = Warehouse(warehouse).current_id()
    _full_disk_once(monkeypatch, lambda: Warehouse(warehouse).current_id() != before)
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", maps["changed"]]) == 0
    out, err = capsys.readouterr()
    after = Warehouse(warehouse).current_id()
    assert after != before and Warehouse(warehouse).verify(after) == []
    assert out.startswith(f"published snapshot {after} to {warehouse}")
    assert "warning: the run failed after its publish: " in err and "database or disk is full" in err
    assert f"warning: snapshot {after} is published and verifies" in err


def test_a_snapshot_that_does_not_verify_after_a_failure_is_taken_back(warehouse, maps, monkeypatch, capsys):
    """Defect 8: CURRENT moved to a snapshot that no longer verifies, then the run failed: it was left current."""
    store = Warehouse(warehouse)
    before = store.current_id()

    def published_then_damaged() -> bool:
        current = store.current_id()
        if current == before:
            return False
        store.table_path("limits", current).write_bytes(b"not parquet")
        return True

    _full_disk_once(monkeypatch, published_then_damaged)
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", maps["changed"], "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "does not verify (limits: " in err and f"taken back, nothing published; snapshot {before} stays" in err
    assert store.current_id() == before and store.verify() == []
    with store.lock():
        removed = store.clean_leftovers()  # what the next sync does first
    assert store.snapshot_ids() == [before] and any(r.startswith("manifests/") for r in removed)


def _copy_snapshot(root, snapshot_id: str, copy_id: str, previous: str) -> None:
    """A copy of ``snapshot_id`` published as ``copy_id`` on top of ``previous``, as an older sync whose clock was
    behind left it: an id that sorts before the snapshot it follows."""
    manifest = json.loads((root / "manifests" / f"{snapshot_id}.json").read_text())
    for name, info in manifest["tables"].items():
        shutil.copytree(root / name / f"snapshot={snapshot_id}", root / name / f"snapshot={copy_id}")
        info["path"] = info["path"].replace(snapshot_id, copy_id)
    manifest.update(snapshot_id=copy_id, previous_snapshot_id=previous)
    (root / "manifests" / f"{copy_id}.json").write_text(json.dumps(manifest))
    shutil.copy(root / "validation" / f"{snapshot_id}.json", root / "validation" / f"{copy_id}.json")
    (root / "CURRENT").write_text(json.dumps({"snapshot_id": copy_id}))


def test_a_clock_behind_makes_a_later_id_and_no_snapshot_that_was_current_is_removed(
    warehouse, maps, monkeypatch, capsys
):
    """Defect 9: a sync whose clock ran 30 minutes behind made an id sorting before CURRENT's, and the next sync
    removed the snapshot CURRENT had pointed to as a "leftover". Here an older sync's backward id is current, and
    the sync under test has its clock 30 minutes behind."""
    store = Warehouse(warehouse)
    first = store.current_id()
    stepped_back = f"{datetime.strptime(first[:16], '%Y%m%dT%H%M%SZ') - timedelta(hours=1):%Y%m%dT%H%M%SZ}-{first[-8:]}"
    _copy_snapshot(warehouse, first, stepped_back, previous=first)
    assert store.verify(stepped_back) == []
    monkeypatch.setattr(publish, "utc_now", lambda: datetime.now(UTC) - timedelta(minutes=30))
    assert main(["sync", "--warehouse", str(warehouse), "--litellm", maps["changed"], "--quiet"]) == 0
    latest = store.current_id()
    assert latest > first > stepped_back  # after every existing id, whatever the clock says
    assert store.snapshot_ids() == [stepped_back, first, latest]  # the one that was current is kept, whole
    assert [store.verify(i) for i in store.snapshot_ids()] == [[], [], []]
    assert store.manifest(latest)["previous_snapshot_id"] == stepped_back


@pytest.mark.parametrize(
    "command",
    [
        ["query", "select count(*) from routes", "--snapshot", "{bad}"],
        ["show", ROUTE, "--snapshot", "{bad}"],
        ["search", "gpt", "--snapshot", "{bad}"],
        ["diff", "{bad}"],
        ["diff", "{current}", "{bad}"],
        ["verify", "--snapshot", "{bad}"],
        ["site", "--snapshot", "{bad}", "--out", "{out}"],
    ],
    ids=lambda c: "-".join(c[:2]),
)
def test_snapshot_ids_are_checked_against_their_pattern_in_every_reader(base, tmp_path, command, capsys):
    """Defect 10: `--snapshot ../../elsewhere/m` read a manifest outside the warehouse and the Parquet it names."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    current = Warehouse(base).current_id()
    manifest = json.loads((base / "manifests" / f"{current}.json").read_text())
    for info in manifest["tables"].values():
        info["path"] = str(base / info["path"])  # a manifest that would read the warehouse's files from elsewhere
    (elsewhere / "m.json").write_text(json.dumps(manifest))
    bad = os.path.relpath(elsewhere / "m", base / "manifests")
    argv = [a.format(bad=bad, current=current, out=tmp_path / "site") for a in command]
    capsys.readouterr()
    assert main([argv[0], "--warehouse", str(base), *argv[1:]]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f"{bad!r} is not a snapshot id" in lines[0], err
    assert out == "" and not (tmp_path / "site").exists()


def test_a_stray_manifest_is_skipped_with_a_warning_and_named_when_read(warehouse, maps, capsys):
    """Defect 15: a stray `{}` manifest made every sync fail with `'created_at'`."""
    current = Warehouse(warehouse).current_id()
    stray = warehouse / "manifests" / "20200101T000000Z-00000000.json"
    stray.write_text("{}")
    garbage = warehouse / "manifests" / "20200102T000000Z-00000000.json"
    garbage.write_text("not json")
    (warehouse / "manifests" / "notes.json").write_text("[]")
    capsys.readouterr()
    assert main(["versions", "--warehouse", str(warehouse), "--format", "json"]) == 0
    assert [v["snapshot_id"] for v in json.loads(capsys.readouterr().out)] == [current]
    assert main(["verify", "--warehouse", str(warehouse), "--snapshot", stray.stem]) == 1
    err = capsys.readouterr().err
    assert f"{stray} is not a snapshot manifest: missing 'snapshot_id', 'created_at'" in err
    assert len(err.splitlines()) == 1
    assert main(["query", "--warehouse", str(warehouse), "--snapshot", garbage.stem, "select 1"]) == 1
    err = capsys.readouterr().err
    assert f"{garbage} is not a snapshot manifest: not readable JSON" in err and len(err.splitlines()) == 1

    assert main(["sync", "--warehouse", str(warehouse), "--litellm", maps["changed"], "--quiet"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {stray} is not a snapshot manifest (missing " in err
    assert f"warning: {garbage} is not a snapshot manifest (not readable JSON" in err
    assert "notes.json is not a snapshot manifest (its name is not a snapshot id)" in err
    store = Warehouse(warehouse)
    assert store.current_id() != current and store.verify() == [] and stray.exists() and garbage.exists()
    assert main(["query", "--warehouse", str(warehouse), "--format", "csv", "select count(*) n from snapshots"]) == 0
    assert capsys.readouterr().out.split() == ["n", "2"]


@pytest.mark.parametrize("content", [b"garbage", b"{}", b'{"snapshot_id": "../../elsewhere/m"}', b"\xff\xfe"])
def test_a_broken_current_is_one_line_naming_the_file(warehouse, maps, content, capsys):
    """Defect 15: a garbage CURRENT gave a JSONDecodeError naming no file. Readers and syncs say which file is
    broken and what is wrong with it, and a sync refuses (CURRENT is written only by a publish: a broken one is
    damage to look at, not to guess over); nothing is written."""
    pointer = warehouse / "CURRENT"
    pointer.write_bytes(content)
    newest = Warehouse(warehouse).snapshot_ids()[-1]
    before = sorted(str(p.relative_to(warehouse)) for p in warehouse.rglob("*") if "_dagster" not in p.parts)
    for argv in (
        ["query", "--warehouse", str(warehouse), "select 1"],
        ["versions", "--warehouse", str(warehouse)],
        ["sync", "--warehouse", str(warehouse), "--litellm", maps["changed"], "--quiet"],
    ):
        capsys.readouterr()
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert err.startswith(f"error: {pointer} is broken (") and f"(the newest is {newest})" in err, err
        assert len(err.strip().splitlines()) == 1
    assert pointer.read_bytes() == content
    assert sorted(str(p.relative_to(warehouse)) for p in warehouse.rglob("*") if "_dagster" not in p.parts) == before
    assert set(schemas.PUBLISHED_TABLES) <= {p.name for p in warehouse.iterdir()}
