"""Issue 24: real syncs into an S3 bucket (moto's server on 127.0.0.1): a publish, the site built from the bucket
into it, a sync killed with SIGKILL at each step of its publish, and readers querying in a loop while a sync
publishes. A reader never errs and never sees a half-written snapshot; no snapshot is lost."""

import json
import os
import signal
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import write_map
from loopback import FlakyServer
from test_faults import PAUSED_CLI, wait_for

from llm_catalog.readers import snapshot
from llm_catalog.site.links import route_path
from llm_catalog.warehouse.object_lock import LEASE_ENV, LOCK_KEY
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # real syncs, some in killed subprocesses

GOOD = "deepinfra/openai/gpt-oss-20b"
AIDER = Path(__file__).parent.parent / "fixtures" / "aider_polyglot.yml"


def changed_map(tmp_path: Path, small_map: dict, input_per_token: float) -> str:
    return write_map(
        tmp_path / f"changed-{input_per_token}.json",
        {**small_map, GOOD: {**small_map[GOOD], "input_cost_per_token": input_per_token}},
    )


def sync_in_subprocess(s3, location: str, litellm: str, work: Path, *, pause_at=None, lease: float = 60):
    command = [sys.executable, *(("-m", "pipelines.cli") if pause_at is None else (PAUSED_CLI, *map(str, pause_at)))]
    env = {**os.environ, **s3.env(work), LEASE_ENV: str(lease)}
    return subprocess.Popen(
        [*command, "sync", "--warehouse", location, "--s3-endpoint", s3.endpoint, "--litellm", litellm, "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def price_of(location: str, endpoint: str) -> tuple[str, float]:
    con, snapshot_id = snapshot.connect(Warehouse(location, s3_endpoint=endpoint))
    try:
        (price,) = con.execute("SELECT input_price FROM route_cells WHERE route_id = ?", [GOOD]).fetchone()
    finally:
        con.close()
    return snapshot_id, price


def test_a_sync_publishes_to_a_bucket_and_the_site_is_built_from_it(s3, small_map, tmp_path, capsys):
    bucket = s3.bucket()
    location, endpoint = f"s3://{bucket}/catalog", ["--s3-endpoint", s3.endpoint]
    litellm = write_map(tmp_path / "small.json", small_map)
    # the map alone: a catalog of its sixty routes, whose site is a few hundred objects (every pricing source's is
    # 15,000, which moto's one process takes minutes to store)
    small = ["--litellm", litellm, "--pricing-sources", "litellm", "--no-release-history"]
    assert main(["sync", "--warehouse", location, *endpoint, *small, "--quiet"]) == 0
    store = Warehouse(location, s3_endpoint=s3.endpoint)
    current = store.current_id()
    manifest = store.manifest(current)
    keys = s3.keys(bucket, "catalog")
    # the folder's layout, under the prefix: each table's file, the manifest, the validation reports, CURRENT
    for info in manifest["tables"].values():
        assert f"catalog/{info['path']}" in keys
    assert {f"catalog/manifests/{current}.json", f"catalog/validation/{current}.json", "catalog/CURRENT"} <= set(keys)
    assert not [k for k in keys if k.startswith(("catalog/_io", "catalog/_dagster"))]  # run storage stays local
    # the raw payload of every source the snapshot names, copied up by content address
    for source in manifest["sources"]:
        if source.get("sha256") and source.get("status") != "skipped":
            assert source["stored_path"] == f"{location}/raw/{source['source']}/{source['sha256']}.gz", source
            assert f"catalog/raw/{source['source']}/{source['sha256']}.gz" in keys
    assert LOCK_KEY not in {k.removeprefix("catalog/") for k in keys}  # released
    assert store.verify(current) == []
    assert price_of(location, s3.endpoint) == (current, pytest.approx(0.03))

    # unchanged: nothing published
    capsys.readouterr()
    assert main(["sync", "--warehouse", location, *endpoint, *small]) == 0
    assert "nothing changed" in capsys.readouterr().out and store.snapshot_ids() == [current]

    # the site, built from the bucket into its site/ prefix, with the types a CDN serves
    assert main(["site", "--warehouse", location, *endpoint, "--quiet"]) == 0
    record = json.loads(s3.client().get_object(Bucket=bucket, Key="catalog/site/site.json")["Body"].read())
    assert record["snapshot_id"] == current and record["routes"] == 60
    site_keys = {k.removeprefix("catalog/site/") for k in s3.keys(bucket, "catalog/site")}
    assert site_keys == set(record["files"]) | {"site.json"}
    head = s3.client().head_object(Bucket=bucket, Key="catalog/site/index.html")
    assert head["ContentType"] == "text/html"
    page = route_path(GOOD)
    assert page in record["files"]
    html = s3.client().get_object(Bucket=bucket, Key=f"catalog/site/{page}")["Body"].read().decode()
    assert GOOD in html and "0.03" in html


def test_gc_empties_the_work_folder_and_a_fallback_downloads_the_payload_the_bucket_keeps(
    s3, small_map, tmp_path, capsys
):
    """An optional source that is down: a bucket sync falls back on the payload the current snapshot used, as a
    folder's does, though that payload is now a bucket object. `gc` removes the work folder's copies of what the
    bucket holds, and the sync that falls back downloads its payload again, checked by sha256."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyServer)
    server.body, server.up = AIDER.read_bytes(), True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bucket = s3.bucket()
    location, endpoint = f"s3://{bucket}/catalog", ["--s3-endpoint", s3.endpoint]
    args = ["sync", "--warehouse", location, *endpoint, "--pricing-sources", "litellm", "--no-release-history"]
    args += ["--benchmarks", f"aider=http://127.0.0.1:{server.server_address[1]}/polyglot.yml", "--quiet"]
    try:
        assert main([*args, "--litellm", write_map(tmp_path / "small.json", small_map)]) == 0
        work_raw = Warehouse(location, s3_endpoint=s3.endpoint).work_dir / "raw"
        copies = sorted(p.relative_to(work_raw).as_posix() for p in work_raw.glob("*/*.gz"))
        assert len([c for c in copies if c.startswith("aider/")]) == 1
        capsys.readouterr()
        assert main(["gc", "--warehouse", location, *endpoint]) == 0
        assert f"{len(copies)} raw payload(s) the bucket holds removed from the work folder" in capsys.readouterr().out
        assert list(work_raw.glob("*/*.gz")) == []
        assert {f"catalog/raw/{c}" for c in copies} <= set(s3.keys(bucket, "catalog/raw"))
        server.up = False
        assert main([*args, "--litellm", changed_map(tmp_path, small_map, 2.5e-08)]) == 0
    finally:
        server.shutdown()
        server.server_close()
    store = Warehouse(location, s3_endpoint=s3.endpoint)
    first, second = (
        [s for s in store.manifest(i)["sources"] if s["source"] == "aider"][0] for i in store.snapshot_ids()
    )
    assert first["status"] == "fetched" and second["status"] == "fallback", second
    assert second["sha256"] == first["sha256"]
    assert "HTTP 503" in second["note"] or "kept failing" in second["note"]
    assert (work_raw / "aider" / f"{first['sha256']}.gz").is_file()  # downloaded again
    con, _ = snapshot.connect(store)
    try:
        assert con.execute("SELECT count(*) FROM benchmarks WHERE source = 'aider'").fetchone() == (1,)
    finally:
        con.close()


@pytest.mark.parametrize("step", ["writing_parquet", "tables_moved", "manifest_written"])
def test_a_sync_killed_during_its_publish_to_a_bucket_loses_nothing(s3, small_synced, small_map, tmp_path, step):
    location = s3.upload_warehouse(small_synced, s3.bucket())
    store = Warehouse(location, s3_endpoint=s3.endpoint)
    before, price_before = price_of(location, s3.endpoint)
    litellm = changed_map(tmp_path, small_map, 2.5e-07)
    marker = tmp_path / f"_paused_at_{step}"
    killed = sync_in_subprocess(s3, location, litellm, tmp_path / "work", pause_at=(step, marker), lease=2)
    wait_for(marker, killed, timeout=300)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)

    # the last good snapshot is current and whole; readers read it; the dead sync's lease is still there
    assert store.current_id() == before and store.verify(before) == []
    assert price_of(location, s3.endpoint) == (before, price_before)
    assert store.storage.read(LOCK_KEY) is not None
    orphans = {k for k in s3.keys(location.split("/")[2]) if "snapshot=" in k and before not in k}
    assert orphans or step == "writing_parquet"  # what it wrote before it died

    # the next sync takes over the stale lease, removes what the dead one left and publishes
    again = sync_in_subprocess(s3, location, litellm, tmp_path / "work", lease=2)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    after = store.current_id()
    assert after != before and store.snapshot_ids() == [before, after]
    assert store.verify(after) == [] and store.verify(before) == []
    assert price_of(location, s3.endpoint) == (after, pytest.approx(0.25))
    left = {k for k in s3.keys(location.split("/")[2]) if "snapshot=" in k}
    assert all(before in k or after in k for k in left), sorted(left - {k for k in left if before in k or after in k})
    assert store.storage.read(LOCK_KEY) is None


def test_readers_in_a_loop_while_a_sync_publishes_to_the_bucket(s3, small_synced, small_map, tmp_path):
    location = s3.upload_warehouse(small_synced, s3.bucket())
    before, price_before = price_of(location, s3.endpoint)
    litellm = changed_map(tmp_path, small_map, 2.5e-07)
    seen, errors, stop = [], [], threading.Event()

    def read_in_a_loop():
        while not stop.is_set():
            try:
                seen.append(price_of(location, s3.endpoint))
            except Exception as exc:  # noqa: BLE001 - every failure is a finding
                errors.append(repr(exc))

    readers = [threading.Thread(target=read_in_a_loop) for _ in range(2)]
    for reader in readers:
        reader.start()
    sync = sync_in_subprocess(s3, location, litellm, tmp_path / "work")
    try:
        out, err = sync.communicate(timeout=600)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=120)
    assert sync.returncode == 0, err
    after = Warehouse(location, s3_endpoint=s3.endpoint).current_id()
    assert errors == []
    assert len(seen) >= 10
    # each read saw one whole snapshot: the one before with its price, or the new one with its own
    whole = [(i, p) for i, p in seen if (i, p) == (before, price_before) or (i == after and p == pytest.approx(0.25))]
    assert whole == seen, sorted(set(seen))
    assert seen[0][0] == before
    assert price_of(location, s3.endpoint) == (after, pytest.approx(0.25))
    assert Warehouse(location, s3_endpoint=s3.endpoint).snapshot_ids() == [before, after]


def test_diff_and_gc_on_a_bucket(s3, small_synced, small_map, tmp_path, capsys):
    location, endpoint = s3.upload_warehouse(small_synced, s3.bucket()), ["--s3-endpoint", s3.endpoint]
    store = Warehouse(location, s3_endpoint=s3.endpoint)
    before = store.current_id()
    litellm = changed_map(tmp_path, small_map, 2.5e-07)
    assert main(["sync", "--warehouse", location, *endpoint, "--litellm", litellm, "--quiet"]) == 0
    after = store.current_id()
    capsys.readouterr()
    assert main(["diff", "--warehouse", location, *endpoint, "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)
    assert (changes["old"]["snapshot_id"], changes["new"]["snapshot_id"]) == (before, after)
    assert GOOD in json.dumps(changes)
    assert main(["gc", "--warehouse", location, *endpoint, "--keep", "1"]) == 0
    assert store.snapshot_ids() == [after] and store.verify(after) == []
    assert not [k for k in s3.keys(location.split("/")[2]) if before in k]  # every file of the removed snapshot
