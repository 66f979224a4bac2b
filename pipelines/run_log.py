"""The run log a command-line sync records its run in: Dagster's own SQLite event log storage (the same files, the
same schema, so `make ui` and `dagster dev` read it as usual), keeping one connection per database open while the
run lasts. Dagster's class opens a new engine and connection for every event and closes it after, and closing the
last connection of a WAL database checkpoints it: with a sync's 800-odd events, that was about 3 s of a full sync.
Set up through the instance's `event_log_storage` setting, the pluggable storage Dagster documents."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool


class RunLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None):
        self._engines: dict[str, Engine] = {}
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> RunLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:  # Dagster's lock: one thread at a time on the storage, so one connection is enough
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=StaticPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                )
                self._engines[shard] = engine
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()


def run_log_settings(home: str) -> dict:
    """The instance settings that record runs under ``home`` with RunLogStorage (Dagster's defaults otherwise)."""
    return {
        "event_log_storage": {
            "module": __name__,
            "class": RunLogStorage.__name__,
            "config": {"base_dir": f"{home}/history/runs"},
        }
    }
