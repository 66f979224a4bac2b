"""Shared fixtures: the real bundled cost map, and one warehouse synced from it for the whole session."""

from __future__ import annotations

import gzip
import json
import os

import pytest

# no test reaches the internet: the aider leaderboard's default is its upstream URL, so tests turn it off unless a
# test points it at a file or a server on 127.0.0.1
os.environ.setdefault("LLM_CATALOG_AIDER", "off")
os.environ.setdefault("LLM_CATALOG_MODELS_DEV", "off")  # the same for models.dev's and LLM Stats' trees
os.environ.setdefault("LLM_CATALOG_LLM_STATS", "off")

from llm_catalog.litellm_map import normalize, parse_payload
from llm_catalog.paths import BUNDLED_LITELLM_MAP
from pipelines.cli import main


@pytest.fixture(scope="session")
def bundled_bytes() -> bytes:
    return gzip.decompress(BUNDLED_LITELLM_MAP.read_bytes())


@pytest.fixture(scope="session")
def bundled_map(bundled_bytes) -> dict:
    return json.loads(bundled_bytes)


@pytest.fixture(scope="session")
def bundled_normalized(bundled_bytes):
    entries, duplicates = parse_payload(bundled_bytes)
    return normalize(entries, duplicates=duplicates)


@pytest.fixture(scope="session")
def synced_warehouse(tmp_path_factory):
    """A warehouse after `llm-catalog sync` of the bundled map (the README's `make sync`)."""
    root = tmp_path_factory.mktemp("warehouse")
    assert main(["sync", "--warehouse", str(root)]) == 0
    return root


def write_map(path, entries: dict) -> str:
    path.write_text(json.dumps(entries))
    return str(path)


@pytest.fixture(scope="session")
def small_map(bundled_map) -> dict:
    """Sixty real entries of the bundled map, including deepinfra/openai/gpt-oss-20b: a quick map of real shape."""
    keys = [k for k, v in bundled_map.items() if isinstance(v, dict) and "litellm_provider" in v and "mode" in v
            and k != "sample_spec"][:59]
    return {k: bundled_map[k] for k in [*keys, "deepinfra/openai/gpt-oss-20b"]}
