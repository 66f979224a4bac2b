"""One writer per bucket warehouse: a lease object, ``<prefix>/.lock``, created with a conditional write.

S3 has no ``flock``, but it has conditional writes: a PUT with ``If-None-Match: *`` succeeds only when the key does
not exist, and one with ``If-Match: <etag>`` only when the object is still the one read. So:

- a sync creates the lease (If-None-Match), and renews it every third of its term (If-Match on its own etag);
- a sync that finds a lease waits for it; once the lease is older than its term by the server's clock (its holder
  was killed, or lost its network), it takes it over with If-Match on the etag it read: of two syncs that saw the
  same stale lease, one wins. A lease written on this machine (host, boot and pid namespace) by a process that no
  longer exists is taken over at once, as the kernel frees a dead process's flock: a cron sync killed on one machine
  does not hold up the next one for a term;
- a holder whose renewal fails has lost the lease; the publish checks before it moves the pointer, and the pointer
  itself is moved with If-Match on the etag it had when read, so a publish planned on a pointer that moved fails.

Re-entrant within a process, as the folder lock is: the CLI holds it for a whole sync and the publish takes it again.

All of this rests on the store honouring conditional writes (AWS S3 has since 2024; MinIO, R2 and Ceph do). A store
that ignores them would let two syncs hold the lease, so each new lease is probed: a second create, and a write
with a wrong etag, must both be refused, or the sync stops before it writes anything.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from llm_catalog.errors import PublishError
from llm_catalog.machine import pid_gone, process_table

LOCK_KEY = ".lock"
LEASE_ENV = "LLM_CATALOG_LOCK_LEASE_SECONDS"
DEFAULT_LEASE_SECONDS = 60.0  # a killed sync's lease is taken over this long after its last renewal

_held: dict[str, tuple[ObjectLock, int]] = {}  # warehouse location -> (its lock, depth)
_honours_conditions: set[tuple[str, str | None]] = set()  # (location, endpoint) probed in this process: gc locks thrice


def _client_error(exc: BaseException, *codes: str) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in codes


def read_object(storage, key: str) -> tuple[bytes, str, float] | None:
    """(content, etag, its age in seconds by the server's clock) of ``key``; None when there is none."""
    try:
        response = storage.client.get_object(Bucket=storage.bucket, Key=storage.key(key))
    except Exception as exc:
        if _client_error(exc, "NoSuchKey", "404"):
            return None
        raise
    now = parsedate_to_datetime(response["ResponseMetadata"]["HTTPHeaders"]["date"])
    return response["Body"].read(), response["ETag"], (now - response["LastModified"]).total_seconds()


def conditional_put(storage, key: str, data: bytes, *, etag: str | None) -> str | None:
    """PUT ``data`` at ``key`` if it is still the object ``etag`` (None: if there is no object): its new etag, or
    None when the condition failed."""
    condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
    try:
        return storage.client.put_object(Bucket=storage.bucket, Key=storage.key(key), Body=data, **condition)["ETag"]
    except Exception as exc:
        if _client_error(exc, "PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey", "412", "409"):
            return None
        raise


class ObjectLock:
    def __init__(self, storage, *, timeout: float = 600.0, poll: float = 0.5, lease: float | None = None):
        self.storage = storage
        self.timeout = timeout
        self.poll = poll
        self.lease = lease or float(os.environ.get(LEASE_ENV) or DEFAULT_LEASE_SECONDS)
        self.etag: str | None = None
        self.lost = False
        self.since = datetime.now(UTC).isoformat(timespec="seconds")  # when this sync first asked for the lock
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def _record(self) -> bytes:
        return json.dumps(
            {
                "pid": os.getpid(),
                "host": os.uname().nodename,
                "machine": process_table(),
                "command": " ".join(sys.argv[:3]),
                "since": self.since,
                "lease_seconds": self.lease,
            }
        ).encode()

    def _try_take(self) -> str | None:
        """Take the lease if it is free or stale; else a description of its holder."""
        self.etag = conditional_put(self.storage, LOCK_KEY, self._record(), etag=None)
        if self.etag:
            self._refuse_unconditional_store()
            return None
        found = read_object(self.storage, LOCK_KEY)
        if found is None:
            return "another process (it just released the lock)"
        content, etag, age = found
        try:
            holder = json.loads(content)
            lease = float(holder.get("lease_seconds") or self.lease)
        except (ValueError, TypeError, AttributeError):  # not a lease of ours: judged by our own term
            lease, holder = self.lease, {}
        dead = holder.get("machine") == process_table() and pid_gone(holder.get("pid"))
        if age > lease or dead:  # not renewed in its term, or its process is gone: its holder is gone
            self.etag = conditional_put(self.storage, LOCK_KEY, self._record(), etag=etag)
            if self.etag:
                return None
        return (
            f"pid {holder.get('pid')} on {holder.get('host', '?')} ({holder.get('command', '?')}, "
            f"since {holder.get('since', '?')})"
        )

    def _refuse_unconditional_store(self) -> None:
        """A PublishError, with the new lease removed, when the store wrote what a conditional write must refuse."""
        store = (self.storage.location, self.storage.endpoint)
        if store in _honours_conditions:
            return
        ignored = [
            header
            for header, etag in (("If-None-Match", None), ("If-Match", '"00000000000000000000000000000000"'))
            if conditional_put(self.storage, LOCK_KEY, self._record(), etag=etag) is not None
        ]
        if not ignored:
            _honours_conditions.add(store)
            return
        self.storage.client.delete_object(Bucket=self.storage.bucket, Key=self.storage.key(LOCK_KEY))
        raise PublishError(
            f"the store of {self.storage.location} ignores conditional writes ({' and '.join(ignored)}): it cannot "
            "keep two syncs from publishing at once, so nothing was written (use a store that honours them: AWS S3, "
            "MinIO, Cloudflare R2, Ceph)"
        )

    def renew(self) -> bool:
        """Extend the lease by a term; False (and ``lost``) when another sync has taken it over."""
        etag = conditional_put(self.storage, LOCK_KEY, self._record(), etag=self.etag)
        self.lost = etag is None
        self.etag = etag or self.etag
        return not self.lost

    def _renew_until_released(self) -> None:
        while not self._stop.wait(self.lease / 3):
            try:
                if not self.renew():
                    return
            except Exception:  # noqa: BLE001 - a network error: try again at the next renewal, within the term
                continue

    def check_held(self) -> None:
        """A PublishError when the lease was lost (another sync took it over): nothing may be published then."""
        if self.lost:
            raise PublishError(
                f"the lock of {self.storage.location} was taken over by another sync (this one was not heard from "
                f"for {self.lease:g}s); nothing published"
            )

    def __enter__(self) -> ObjectLock:
        held = _held.get(self.storage.location)
        if held is not None:
            _held[self.storage.location] = (held[0], held[1] + 1)
            return held[0]
        self.storage.check_reachable()
        deadline = time.monotonic() + self.timeout
        while (holder := self._try_take()) is not None:
            if time.monotonic() >= deadline:
                raise PublishError(
                    f"warehouse {self.storage.location} is locked by {holder}; gave up after {self.timeout:g}s "
                    "(another sync is running; try again when it ends)"
                )
            time.sleep(self.poll)
        self._renewer = threading.Thread(target=self._renew_until_released, name="warehouse-lease", daemon=True)
        self._renewer.start()
        _held[self.storage.location] = (self, 1)
        return self

    def __exit__(self, *exc) -> None:
        lock, depth = _held[self.storage.location]
        if depth > 1:
            _held[self.storage.location] = (lock, depth - 1)
            return
        del _held[self.storage.location]
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        if not self.lost:
            try:
                self.storage.client.delete_object(
                    Bucket=self.storage.bucket, Key=self.storage.key(LOCK_KEY), IfMatch=self.etag
                )
            except Exception as exc:  # noqa: BLE001 - left behind, the lease expires and the next sync takes it
                print(f"warning: could not release the lock of {self.storage.location}: {exc}", file=sys.stderr)
