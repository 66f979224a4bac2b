"""Providers' display names: data/providers.csv, and a readable name made from the id where it has none."""

from __future__ import annotations

import csv
import re

from llm_catalog.paths import PROVIDERS_CSV


def load_provider_names(path=PROVIDERS_CSV) -> dict[str, str]:
    with open(path, newline="") as handle:
        return {row["provider"]: row["provider_name"] for row in csv.DictReader(handle)}


def provider_display_name(provider: str, provider_names: dict[str, str]) -> str:
    """The provider's name from ``provider_names``, else its id made readable (``together_ai`` -> Together Ai)."""
    return provider_names.get(provider) or re.sub(r"[_\-]+", " ", provider).title()
