"""Publishing survives faults: a real `llm-catalog sync` subprocess killed with SIGKILL at each step of its publish,
two syncs at once, a lock left by a dead process, and files damaged after publishing."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_warehouse

from llm_catalog import schemas
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # fault injection: syncs killed in subprocesses

PAUSED_CLI = Path(__file__).with_name("paused_cli.py")


def sync_process(warehouse, source, *extra, pause_at: tuple[str, Path] | None = None) -> subprocess.Popen:
    """`llm-catalog sync` in a subprocess; ``pause_at=(step, marker)`` stops it at that step of its publish, once it
    wrote ``marker``, until it is killed (paused_cli.py)."""
    command = [sys.executable, *(("-m", "pipelines.cli") if pause_at is None else (PAUSED_CLI, *map(str, pause_at)))]
    return subprocess.Popen(
        [*command, "sync", "--warehouse", str(warehouse), "--litellm", str(source), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path, process, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, f"sync ended before reaching {path.name}: {process.communicate()}"
        assert time.monotonic() < deadline, f"timed out waiting for {path.name}"
        time.sleep(0.05)


def partitions(root):
    """snapshot ids present on disk, per table."""
    return {
        name: sorted(p.name.removeprefix("snapshot=") for p in (root / name).glob("snapshot=*"))
        for name in schemas.PUBLISHED_TABLES
        if (root / name).exists()
    }


@pytest.fixture
def maps(tmp_path, small_map):
    good, changed = tmp_path / "good.json", tmp_path / "changed.json"
    good.write_text(json.dumps(small_map))
    entry = small_map["deepinfra/openai/gpt-oss-20b"]
    changed.write_text(
        json.dumps({**small_map, "deepinfra/openai/gpt-oss-20b": {**entry, "input_cost_per_token": 2.5e-08}})
    )
    return good, changed


@pytest.mark.parametrize("checkpoint", ["writing_parquet", "tables_moved", "manifest_written", "pointer_moved"])
def test_a_sync_killed_during_publish_leaves_a_complete_current_snapshot(
    tmp_path, maps, small_synced, checkpoint, capsys
):
    _, changed = maps
    root = copy_warehouse(small_synced, tmp_path / "wh")  # synced from the good map
    before = Warehouse(root).current_id()

    marker = tmp_path / f"_paused_at_{checkpoint}"
    process = sync_process(root, changed, pause_at=(checkpoint, marker))
    wait_for(marker, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    warehouse = Warehouse(root)
    current = warehouse.current_id()
    if checkpoint == "pointer_moved":
        assert current != before  # the pointer moved: the new snapshot is complete and current
    else:
        assert current == before  # the pointer never moved: readers still see the old snapshot, whole
    assert warehouse.verify(current) == []
    capsys.readouterr()
    assert main(["query", "--warehouse", str(root), "--format", "csv", "select count(*) as n from routes"]) == 0
    # every route the snapshot recorded (the map's 60 and the other bundled sources')
    rows = warehouse.manifest(current)["tables"]["routes"]["rows"]
    assert capsys.readouterr().out.split() == ["n", str(rows)] and rows > 60

    # the next sync takes the lock within its 5 s timeout (the kernel released the dead one's: a held lock would
    # fail it), cleans up and succeeds; its wall time is the machine's, not the lock's, so it is not asserted
    assert main(["sync", "--warehouse", str(root), "--litellm", str(changed), "--lock-timeout", "5"]) == 0
    warehouse = Warehouse(root)
    final = warehouse.current_id()
    assert warehouse.verify(final) == []
    assert warehouse.snapshot_ids()[-1] == final
    assert not any((root / "_staging").iterdir()) if (root / "_staging").exists() else True
    assert not list(root.glob("_paused_at_*")) and not list(root.glob(".*.tmp-*"))
    assert all(ids == warehouse.snapshot_ids() for ids in partitions(root).values())  # no orphan partitions
    prices = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.cli",
                "query",
                "--warehouse",
                str(root),
                "--format",
                "json",
                "select usd from prices where route_id = 'deepinfra/openai/gpt-oss-20b' and price_kind = 'input'",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert prices == [{"usd": 0.025}]


def test_two_syncs_at_once_publish_one_snapshot(tmp_path, maps, small_synced):
    _, changed = maps
    root = copy_warehouse(small_synced, tmp_path / "wh")  # synced from the good map
    first, second = sync_process(root, changed), sync_process(root, changed)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    said = sorted(out.split()[0] for out, _ in outputs)
    assert said == ["nothing", "published"]  # one published, the other waited, then found nothing to do
    warehouse = Warehouse(root)
    assert len(warehouse.snapshot_ids()) == 2
    assert warehouse.verify() == []


def test_a_sync_refuses_a_held_lock_with_a_clear_message_and_recovers_a_dead_holders(tmp_path, maps, capsys):
    good, _ = maps
    root = tmp_path / "wh"
    root.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from llm_catalog.warehouse.lock import WarehouseLock\n"
            f"with WarehouseLock({str(root)!r}):\n    print('held', flush=True); time.sleep(600)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    capsys.readouterr()
    assert main(["sync", "--warehouse", str(root), "--litellm", str(good), "--lock-timeout", "0.5"]) == 1
    err = capsys.readouterr().err
    assert f"warehouse {root} is locked by pid {holder.pid}" in err and "gave up after 0.5s" in err
    assert Warehouse(root).current_id() is None

    holder.send_signal(signal.SIGKILL)  # dies holding the lock; its pid stays written in the lock file
    holder.wait(timeout=30)
    assert json.loads((root / ".lock").read_text())["pid"] == holder.pid
    assert main(["sync", "--warehouse", str(root), "--litellm", str(good), "--lock-timeout", "2"]) == 0
    assert Warehouse(root).current_id() is not None


def test_verify_finds_damaged_and_missing_files(tmp_path, small_synced, capsys):
    root = copy_warehouse(small_synced, tmp_path / "wh")
    warehouse = Warehouse(root)
    current = warehouse.current_id()
    capsys.readouterr()
    assert main(["verify", "--warehouse", str(root)]) == 0
    assert f"{current}: ok, {len(schemas.PUBLISHED_TABLES)} tables" in capsys.readouterr().out

    prices = warehouse.table_path("prices", current)
    prices.write_bytes(prices.read_bytes()[:-10] + b"0123456789")
    warehouse.table_path("limits", current).unlink()
    assert main(["verify", "--warehouse", str(root), "--snapshot", current]) == 1
    err = capsys.readouterr().err
    assert f"{current}: prices: prices/snapshot={current}/part-0.parquet does not match its sha256" in err
    assert f"{current}: limits: limits/snapshot={current}/part-0.parquet is missing" in err
