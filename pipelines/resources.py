"""Dagster resources: where the warehouse is, which sources a sync reads, and how assets hand tables on."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from llm_catalog.paths import warehouse_dir


class CatalogSettings(dg.ConfigurableResource):
    """Empty strings mean the defaults: the warehouse from ``$LLM_CATALOG_WAREHOUSE`` or ``data/warehouse``, and
    the cost map bundled under ``data/litellm``."""

    warehouse: str = ""
    litellm: str = ""  # a local path or an http(s) URL of a cost map

    @property
    def warehouse_path(self) -> Path:
        return warehouse_dir(self.warehouse or None)

    @property
    def litellm_location(self) -> str | None:
        return self.litellm or None


class StagedTableIOManager(dg.ConfigurableIOManager):
    """Hands asset outputs to downstream assets through ``<warehouse>/_io``: Arrow tables as Parquet, small dicts
    (source descriptions, manifests) as JSON. This is working storage, not the published catalog."""

    warehouse: str = ""

    def _path(self, context: dg.OutputContext | dg.InputContext, suffix: str) -> Path:
        return warehouse_dir(self.warehouse or None) / "_io" / Path(*context.asset_key.path).with_suffix(suffix)

    def handle_output(self, context: dg.OutputContext, obj) -> None:
        if isinstance(obj, pa.Table):
            path = self._path(context, ".parquet")
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(obj, path)
        elif isinstance(obj, dict):
            path = self._path(context, ".json")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(obj, default=str))
        else:
            raise TypeError(f"{context.asset_key.to_user_string()}: cannot stage a {type(obj).__name__}")

    def load_input(self, context: dg.InputContext):
        table = self._path(context, ".parquet")
        if table.exists():
            return pq.read_table(table)
        return json.loads(self._path(context, ".json").read_text())
