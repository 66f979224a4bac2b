"""Dagster resources: the warehouse, which sources a sync reads and the publish policy, and how assets hand tables on
to one another. They sit with the assets, which take them as parameters; pipelines/ binds them to configuration."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import PrivateAttr

from llm_catalog.paths import warehouse_location
from llm_catalog.sources.fetch import DOWNLOAD_DEADLINE_SECONDS, MAX_PAYLOAD_BYTES
from llm_catalog.sources.source import Source
from llm_catalog.warehouse.layout import RUN_SCRATCH
from llm_catalog.warehouse.storage import work_dir_of
from llm_catalog.warehouse.store import Warehouse, open_warehouse


def work_dir(local: Path, run_id: str) -> Path:
    """A run's working storage under a warehouse's local work folder: what its assets and checks hand on."""
    return local / RUN_SCRATCH / run_id


class WarehouseResource(dg.ConfigurableResource):
    """The versioned Parquet warehouse a sync publishes to and reads its previous snapshot from: a folder or an
    ``s3://BUCKET/PREFIX``. An empty path means ``$LLM_CATALOG_WAREHOUSE``, else ``data/warehouse``; an empty
    endpoint means the AWS SDKs' own settings (``AWS_ENDPOINT_URL``, else AWS)."""

    path: str = ""
    s3_endpoint: str = ""  # an S3-compatible store's URL (MinIO, R2, Ceph), for an s3:// path
    lock_timeout_seconds: float = 600.0  # how long a publish waits for another writer of the same warehouse

    def store(self) -> Warehouse:
        return open_warehouse(
            self.path or None, s3_endpoint=self.s3_endpoint or None, lock_timeout=self.lock_timeout_seconds
        )

    @property
    def local_dir(self) -> Path:
        """The warehouse's local work folder (the warehouse itself when it is a folder)."""
        return work_dir_of(warehouse_location(self.path or None))

    @property
    def raw_dir(self) -> Path:
        """Where a sync keeps every raw payload, by source and sha256 (a bucket's publish copies them up)."""
        return self.local_dir / "raw"

    def run_dir(self, run_id: str) -> Path:
        return work_dir(self.local_dir, run_id)


class CatalogSettings(dg.ConfigurableResource):
    """Which sources a sync reads and its publish policy."""

    # source name (llm_catalog.registry) -> a local path or an http(s) URL, or "off" for a source the catalog can do
    # without; a source not named here is read from its environment variable, bundled copy or upstream, in that order
    locations: dict[str, str] = {}
    accept_drop: bool = False  # publish even when the route count falls or most prices change at once
    max_route_drop: float = 0.10
    max_price_change_share: float = 0.50
    # share of broken entries (left out, or published without a field that broke a rule) above which the source is
    # broken and nothing is published. Calibrated on the real release train (speed-scripts/release_train.py, 36
    # litellm maps 1.74-1.110): the most is 1.6% (1.78.0: 26 of 1,645, W&B and watsonx prices typed per 1K tokens),
    # 1.0% on the monthly train (1.79.0), 0 since 1.110; no real map leaves an entry out. 5% is three times that
    # maximum, and a map with one entry in ten broken (the hand-made ones in tests/bad_input) is refused.
    max_reject_share: float = 0.05
    max_payload_bytes: int = MAX_PAYLOAD_BYTES  # a bigger payload is refused before it is parsed
    # the most routes the pricing sources may list together (0: $LLM_CATALOG_MAX_ROUTES, else 50,000; see
    # llm_catalog.sources.source.MAX_ROUTES): a source past it is refused as it is read, a sync past it before
    # reconciliation
    max_routes: int = 0
    download_deadline_seconds: float = (
        DOWNLOAD_DEADLINE_SECONDS  # the most one download may take, however the server trickles
    )
    force: bool = False  # run every stage even when no source and no code changed (publishes only on a change)
    similar_k: int = 25  # similar models listed per route and lens
    as_of: str = ""  # YYYY-MM-DD the data describes; default: the map's release date when it says, else today (UTC)
    # on a bundled map, publish the bundled earlier releases the history lacks first (a fresh warehouse gets a year)
    release_history: bool = True
    # the pricing sources the catalog is reconciled from, by name (comma-separated); empty: every pricing source of
    # the registry. A backfill of dated maps reconciles the map alone, as the bundled earlier releases are
    pricing_sources: str = ""

    def pricing(self) -> list[str] | None:
        """The names ``pricing_sources`` lists (None: every pricing source)."""
        names = [name.strip() for name in self.pricing_sources.split(",") if name.strip()]
        return names or None

    def leaves_out(self, source: Source) -> bool:
        """Whether ``source`` only feeds reconciliation and ``pricing_sources`` leaves it out: it is not read."""
        names = self.pricing()
        return names is not None and source.normalize is not None and source.parse is None and source.name not in names

    def location(self, source: str) -> str:
        """What the sync was told for ``source`` ("" when nothing: the declaration's defaults apply)."""
        return self.locations.get(source, "")


class StagedTableIOManager(dg.ConfigurableIOManager):
    """Hands asset outputs on through ``<warehouse>/_io``: Arrow tables as Parquet, small dicts as JSON. Each run
    writes under its own folder, so concurrent runs never read each other's tables; ``_io/latest`` keeps the last
    output of every asset for runs that materialize only part of the graph. Working storage, not the catalog.
    Within one process the tables a run wrote are also kept in memory and handed on from there: reading them back
    cost about 2 s of a full sync (Arrow tables are immutable, so every reader can share one)."""

    warehouse: str = ""
    s3_endpoint: str = ""
    _tables: dict = PrivateAttr(default_factory=dict)  # the path a table was staged at (under its run) -> the table

    def _root(self) -> Path:
        # local even for a bucket warehouse: a run's working tables stay with the machine that runs it
        return work_dir_of(warehouse_location(self.warehouse or None)) / "_io"

    @staticmethod
    def _name(context, suffix: str) -> Path:
        return Path(*context.asset_key.path).with_suffix(suffix)

    def handle_output(self, context: dg.OutputContext, obj) -> None:
        if isinstance(obj, pa.Table):
            suffix, write = ".parquet", lambda path: pq.write_table(obj, path)
        elif isinstance(obj, dict):
            suffix, write = ".json", lambda path: path.write_text(json.dumps(obj, default=str))
        else:
            raise TypeError(f"{context.asset_key.to_user_string()}: cannot stage a {type(obj).__name__}")
        path = work_dir(self._root().parent, context.run_id) / self._name(context, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
        if isinstance(obj, pa.Table):
            self._tables[path] = obj
        latest = self._root() / "latest" / self._name(context, suffix)
        latest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=latest.parent, prefix=".tmp-")
        os.close(fd)
        os.unlink(tmp)
        os.link(path, tmp)
        os.replace(tmp, latest)

    def load_input(self, context: dg.InputContext):
        bases = [self._root() / "latest"]
        # inside a run: its own outputs first; outside one (e.g. in a notebook): the latest outputs
        with contextlib.suppress(dg.DagsterInvariantViolationError):
            bases.insert(0, work_dir(self._root().parent, context.step_context.run_id))
        for base in bases:
            table = base / self._name(context, ".parquet")
            if table in self._tables:
                return self._tables[table]
            if table.exists():
                return pq.read_table(table)
            record = base / self._name(context, ".json")
            if record.exists():
                return json.loads(record.read_text())
        raise FileNotFoundError(f"{context.asset_key.to_user_string()} has not been materialized in {self._root()}")
