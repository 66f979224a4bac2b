"""Issue 24: the warehouse in an S3 bucket, against a real S3-compatible server on 127.0.0.1 (moto's server mode,
tests/s3server.py, with authentication on). The same commands and the same promises as a folder: files, then the
manifest, then CURRENT; verify by size and sha256; one writer; one clear line for a missing bucket or wrong keys."""

import ast
import json
import os
import re
import socket
import time

import pytest

from llm_catalog.errors import PublishError
from llm_catalog.paths import REPO_ROOT
from llm_catalog.readers import snapshot
from llm_catalog.warehouse.layout import POINTER
from llm_catalog.warehouse.object_lock import LOCK_KEY, ObjectLock, conditional_put
from llm_catalog.warehouse.store import Warehouse
from pipelines.cli import main

pytestmark = pytest.mark.slow  # an S3 server in a subprocess, and a warehouse synced from the small map

GOOD = "deepinfra/openai/gpt-oss-20b"
# the lease of a sync running on another machine
ELSEWHERE = json.dumps(
    {
        "pid": 4242,
        "host": "elsewhere",
        "command": "llm-catalog sync",
        "since": "2026-12-05T01:00:00+00:00",
        "lease_seconds": 60,
    }
).encode()


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bucket_copy(s3, small_synced) -> tuple[str, str]:
    """(s3:// location, endpoint) of a copy of the small synced warehouse in a new bucket."""
    return s3.upload_warehouse(small_synced, s3.bucket()), s3.endpoint


READS = [
    ("versions",),
    ("verify",),
    ("show", GOOD),
    ("show", GOOD, "--format", "json"),
    ("search", "gpt-oss", "--limit", "5"),
    ("query", "SELECT route_id, input_price, input_price_unit FROM route_cells ORDER BY route_id LIMIT 7"),
    ("cost", GOOD, "--input", "1M", "--output", "200k"),
]


@pytest.mark.parametrize("command", READS, ids=lambda c: c[0])
def test_a_bucket_reads_as_the_folder_it_was_copied_from(bucket_copy, small_synced, capsys, command):
    location, endpoint = bucket_copy
    local = run(capsys, *command, "--warehouse", str(small_synced))
    remote = run(capsys, *command, "--warehouse", location, "--s3-endpoint", endpoint)
    assert local[0] == 0, local
    assert remote[0] == local[0] and remote[1] == local[1] and remote[2] == local[2]


def test_the_warehouse_and_endpoint_may_come_from_the_environment(bucket_copy, small_synced, capsys, monkeypatch):
    location, endpoint = bucket_copy
    local = run(capsys, "versions", "--warehouse", str(small_synced))
    monkeypatch.setenv("LLM_CATALOG_WAREHOUSE", location)  # the catalog's variable
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)  # the AWS SDKs' own
    assert run(capsys, "versions") == local


def test_verify_measures_each_object_by_size_and_sha256(bucket_copy, s3, capsys):
    location, endpoint = bucket_copy
    store = Warehouse(location, s3_endpoint=endpoint)
    manifest = store.manifest(store.current_id())
    client, bucket = s3.client(), location.split("/")[2]
    prices, limits, routes = (f"wh/{manifest['tables'][t]['path']}" for t in ("prices", "limits", "routes"))
    body = client.get_object(Bucket=bucket, Key=prices)["Body"].read()
    client.put_object(Bucket=bucket, Key=prices, Body=bytes([body[0] ^ 1]) + body[1:])  # same size, other bytes
    client.put_object(Bucket=bucket, Key=limits, Body=b"PAR1 not parquet PAR1")
    client.delete_object(Bucket=bucket, Key=routes)
    code, _, err = run(capsys, "verify", "--warehouse", location, "--s3-endpoint", endpoint)
    assert code == 1
    assert "prices: prices/snapshot=" in err and "does not match its sha256 in the manifest" in err
    assert f"bytes, the manifest says {manifest['tables']['limits']['bytes']}" in err
    assert "routes: routes/snapshot=" in err and "is missing" in err


def test_a_missing_bucket_and_wrong_keys_are_one_line_each(s3, capsys, monkeypatch):
    endpoint = ["--s3-endpoint", s3.endpoint]
    code, out, err = run(capsys, "show", GOOD, "--warehouse", "s3://no-such-bucket-here/wh", *endpoint)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"error: no bucket no-such-bucket-here at {s3.endpoint} (create it first, or check "
        "--warehouse and --s3-endpoint)"
    ]
    code, _, err = run(capsys, "sync", "--warehouse", "s3://no-such-bucket-here/wh", *endpoint, "--quiet")
    assert code == 1 and len(err.splitlines()) == 1 and "no bucket no-such-bucket-here" in err

    bucket = s3.bucket()
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    for command in (("show", GOOD), ("versions",), ("sync", "--quiet")):
        code, _, err = run(capsys, *command, "--warehouse", f"s3://{bucket}/wh", *endpoint)
        assert code == 1 and len(err.splitlines()) == 1, err
        assert err.startswith(f"error: cannot reach bucket {bucket} at {s3.endpoint}: access denied"), err
        assert "Traceback" not in err

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{closed.getsockname()[1]}"
    code, _, err = run(capsys, "versions", "--warehouse", f"s3://{bucket}/wh", "--s3-endpoint", nobody)
    assert code == 1 and len(err.splitlines()) == 1 and f"cannot reach bucket {bucket} at {nobody}" in err


def test_an_empty_bucket_is_no_warehouse_for_readers(s3, capsys):
    location = f"s3://{s3.bucket()}/wh"
    code, _, err = run(capsys, "versions", "--warehouse", location, "--s3-endpoint", s3.endpoint)
    assert code == 1 and f"no warehouse at {location} (no such folder)" in err


def test_one_writer_a_lease_that_expires_and_a_pointer_that_moves_only_from_what_was_read(bucket_copy, capsys):
    location, endpoint = bucket_copy
    store = Warehouse(location, s3_endpoint=endpoint, lock_timeout=0.5)
    storage = store.storage
    with store.lock():
        holder = json.loads(storage.read(LOCK_KEY))
        assert holder["pid"] == os.getpid() and holder["lease_seconds"] > 0
        with store.lock():  # taken again in the same process (the CLI's lock, then the publish's)
            pass
        assert storage.read(LOCK_KEY) is not None
    assert storage.read(LOCK_KEY) is None  # released

    # another machine's fresh lease: a publish waits for it, then gives up naming its holder
    assert conditional_put(storage, LOCK_KEY, ELSEWHERE, etag=None)
    with pytest.raises(PublishError, match=r"is locked by pid 4242 on elsewhere \(llm-catalog sync, .*after 0.5s"):
        store.publish({}, None, sources=[], required=frozenset())
    storage.delete(LOCK_KEY)

    # a holder killed without releasing (it took the lease, then never renewed it): once the lease is older than its
    # term by the server's clock, the next sync takes it over; the dead holder, if it woke, could not renew it
    dead = ObjectLock(storage, timeout=1, lease=1.0)
    assert dead._try_take() is None
    started = time.monotonic()
    with ObjectLock(storage, timeout=10, lease=30, poll=0.2):
        assert time.monotonic() - started >= 0.5  # it waited for the term to pass
        assert json.loads(storage.read(LOCK_KEY))["lease_seconds"] == 30
        assert dead.renew() is False and dead.lost
        with pytest.raises(PublishError, match="taken over by another sync"):
            dead.check_held()
    assert storage.read(LOCK_KEY) is None

    current = storage.read(POINTER)
    with pytest.raises(PublishError, match="moved during the publish"):
        storage.swap(POINTER, b'{"snapshot_id": "x"}', expected=b'{"snapshot_id": "20990101T000000Z-00000000"}')
    assert storage.read(POINTER) == current


def test_a_sync_waits_for_the_writer_and_says_who_holds_the_lock(bucket_copy, capsys):
    location, endpoint = bucket_copy
    before = Warehouse(location, s3_endpoint=endpoint).current_id()
    assert conditional_put(Warehouse(location, s3_endpoint=endpoint).storage, LOCK_KEY, ELSEWHERE, etag=None)
    code, _, err = run(
        capsys, "sync", "--warehouse", location, "--s3-endpoint", endpoint, "--lock-timeout", "0.5", "--quiet"
    )
    assert code == 1 and err.splitlines() == [
        f"error: warehouse {location} is locked by pid 4242 on elsewhere (llm-catalog sync, since "
        "2026-12-05T01:00:00+00:00); gave up after 0.5s (another sync is running; try again when it ends)"
    ]
    assert Warehouse(location, s3_endpoint=endpoint).current_id() == before


def test_a_lease_whose_process_was_killed_on_this_machine_is_taken_over_at_once(bucket_copy):
    """kill -9 of the lease's holder: on the machine it ran on, the next sync sees that its process is gone and takes
    the lease over at once, as the kernel frees a folder's flock, instead of waiting out the 60 s term. A live holder
    is waited for, and a pid from another machine says nothing about this one's processes."""
    location, endpoint = bucket_copy
    import s3server

    holder = s3server.lock_holder(location, endpoint)
    try:
        storage = Warehouse(location, s3_endpoint=endpoint).storage
        assert json.loads(storage.read(LOCK_KEY))["lease_seconds"] == 60
        with pytest.raises(PublishError, match=rf"locked by pid {holder.pid} on "), ObjectLock(storage, timeout=1):
            pass
    finally:
        holder.kill()
        holder.wait()
    started = time.monotonic()
    with ObjectLock(storage, timeout=10):
        assert json.loads(storage.read(LOCK_KEY))["pid"] == os.getpid()
    assert time.monotonic() - started < 5, "waited for the dead holder's term"

    elsewhere = json.dumps({**json.loads(ELSEWHERE), "pid": holder.pid, "machine": "elsewhere"}).encode()
    assert conditional_put(storage, LOCK_KEY, elsewhere, etag=None)
    with pytest.raises(PublishError, match=rf"locked by pid {holder.pid} on elsewhere"), ObjectLock(storage, timeout=1):
        pass


def test_a_store_that_ignores_conditional_writes_is_refused_before_a_sync_writes(tmp_path, capsys, monkeypatch):
    """A store that does not implement If-None-Match / If-Match (here moto behind a proxy that drops them) cannot
    keep two syncs apart: the sync stops with one line before it writes anything. The same bucket reached directly
    takes the lock."""
    import s3server

    server = s3server.start(auth=False)
    endpoint, proxy = s3server.without_conditional_writes(server)
    try:
        for name, value in server.env(tmp_path / "work").items():
            monkeypatch.setenv(name, value)
        bucket = server.bucket()
        location = f"s3://{bucket}/wh"
        code, _, err = run(capsys, "sync", "--warehouse", location, "--s3-endpoint", endpoint, "--quiet")
        assert code == 1 and err.splitlines() == [
            f"error: the store of {location} ignores conditional writes (If-None-Match and If-Match): it cannot keep "
            "two syncs from publishing at once, so nothing was written (use a store that honours them: AWS S3, MinIO, "
            "Cloudflare R2, Ceph)"
        ]
        assert server.keys(bucket) == []
        with Warehouse(location, s3_endpoint=server.endpoint).lock():
            assert server.keys(bucket) == ["wh/.lock"]
        assert server.keys(bucket) == []
    finally:
        proxy.shutdown()
        server.process.kill()
        server.process.wait()


def test_readers_bind_one_snapshot_through_pyarrow_and_duckdb(bucket_copy):
    location, endpoint = bucket_copy
    con, snapshot_id = snapshot.connect(Warehouse(location, s3_endpoint=endpoint))
    assert snapshot_id == Warehouse(location, s3_endpoint=endpoint).current_id()
    (price,) = con.execute("SELECT input_price FROM route_cells WHERE route_id = ?", [GOOD]).fetchone()
    assert price == pytest.approx(0.03)
    with pytest.raises(Exception, match="disabled|Permission|external"):
        con.execute(f"SELECT * FROM read_text('{location}/CURRENT')").fetchall()  # read-only, as a folder's


def test_the_readmes_pyarrow_reader_reads_the_bucket_as_written(bucket_copy, capsys):
    location, endpoint = bucket_copy
    blocks = re.findall(r"```python\n(.*?)```", (REPO_ROOT / "README.md").read_text(), flags=re.S)
    (code,) = [block for block in blocks if "S3FileSystem" in block]
    code = code.replace("my-bucket/llm-catalog", location.removeprefix("s3://"))
    code = code.replace("s3 = fs.S3FileSystem()", f"s3 = fs.S3FileSystem(endpoint_override={endpoint!r})")
    capsys.readouterr()
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example, as a reader runs it
    rows = ast.literal_eval(capsys.readouterr().out.strip())
    assert (GOOD, 0.03) in rows
    assert [price for _, price in rows] == sorted(price for _, price in rows)
