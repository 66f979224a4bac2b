"""Providers' display names: data/providers.csv, and a readable name made from the id where it has none; and which
providers are runtimes you run yourself (data/provider_names/self_hosted.csv), the routes table's ``self_hosted``."""

from __future__ import annotations

import csv
import re
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from llm_catalog.paths import DATA_DIR, PROVIDERS_CSV

# runtimes that serve a model on the user's own machine or server (Ollama, LM Studio, ...): a $0 price there is
# the user's own hardware, not a provider's offer; the file says why each one is listed
SELF_HOSTED_CSV = DATA_DIR / "provider_names" / "self_hosted.csv"


def load_provider_names(path=PROVIDERS_CSV) -> dict[str, str]:
    with open(path, newline="") as handle:
        return {row["provider"]: row["provider_name"] for row in csv.DictReader(handle)}


def provider_display_name(provider: str, provider_names: dict[str, str]) -> str:
    """The provider's name from ``provider_names``, else its id made readable (``together_ai`` -> Together Ai)."""
    return provider_names.get(provider) or re.sub(r"[_\-]+", " ", provider).title()


@cache
def self_hosted_providers(path=SELF_HOSTED_CSV) -> frozenset[str]:
    """The provider ids of runtimes you run yourself."""
    with open(path, newline="") as handle:
        return frozenset(row["provider"] for row in csv.DictReader(handle))


def with_self_hosted(routes: pa.Table) -> pa.Table:
    """``routes`` with its ``self_hosted`` column: whether the route's provider is a runtime you run yourself."""
    listed = pa.array(sorted(self_hosted_providers()), pa.string())
    return routes.append_column("self_hosted", pc.is_in(routes["provider"], value_set=listed))
