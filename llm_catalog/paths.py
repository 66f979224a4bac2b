"""Where things live. Every path is derived from this module's location or from configuration, never from the
working directory."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
SQL_DIR = REPO_ROOT / "sql"

BUNDLED_LITELLM_MAP = DATA_DIR / "litellm" / "model_prices_and_context_window.json.gz"
BUNDLED_LITELLM_SOURCE = DATA_DIR / "litellm" / "SOURCE.json"
BUNDLED_LITELLM_RELEASES = DATA_DIR / "litellm" / "releases"  # earlier releases of the map, one per month
PROVIDERS_CSV = DATA_DIR / "providers.csv"
MODEL_ALIASES_CSV = DATA_DIR / "model_aliases.csv"
MODEL_FAMILIES_CSV = DATA_DIR / "model_families.csv"
MODEL_CARDS_CSV = DATA_DIR / "benchmarks" / "model_cards.csv"
BENCHMARK_IDS_CSV = DATA_DIR / "benchmarks" / "benchmark_ids.csv"
BUNDLED_GENAI_PRICES = DATA_DIR / "genai_prices" / "data.py.gz"
BUNDLED_GENAI_PRICES_SOURCE = DATA_DIR / "genai_prices" / "SOURCE.json"
BUNDLED_LMARENA = DATA_DIR / "lmarena" / "arena.json.gz"
BUNDLED_LMARENA_SOURCE = DATA_DIR / "lmarena" / "SOURCE.json"
BUNDLED_MODELSDEV_DB = DATA_DIR / "modelsdev" / "models.dev.sqlite.gz"
BUNDLED_MODELSDEV_SOURCE = DATA_DIR / "modelsdev" / "SOURCE.json"
BUNDLED_MODELSDEV_API = DATA_DIR / "modelsdev_api" / "api.json.gz"
BUNDLED_MODELSDEV_API_SOURCE = DATA_DIR / "modelsdev_api" / "SOURCE.json"

WAREHOUSE_ENV = "LLM_CATALOG_WAREHOUSE"
DEFAULT_WAREHOUSE = DATA_DIR / "warehouse"


def warehouse_location(explicit: str | os.PathLike | None = None) -> str:
    """The warehouse: ``--warehouse`` if given, else ``$LLM_CATALOG_WAREHOUSE``, else ``data/warehouse``. A folder's
    absolute path, or an ``s3://BUCKET/PREFIX`` as given."""
    chosen = str(explicit or os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE)
    return chosen.rstrip("/") if chosen.startswith("s3://") else str(Path(chosen).expanduser().resolve())
