"""The LiteLLM cost map of a litellm release, downloaded from the package index once and cached: shared by the speed
scripts that run over a range of real releases (price_fields.py, release_train.py)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from llm_catalog.sources.bundle import map_from_wheel

CACHE = Path.home() / ".cache" / "llm-catalog" / "litellm-maps"


def fetch_map(minor: int, cache: Path = CACHE) -> tuple[bytes, str]:
    """(map bytes, exact version) of litellm 1.<minor>.0, or of the newest 1.<minor> patch when .0 was never
    released. (Not its date: the wheels stamp every file 1980-01-01, so a release's date is the index's upload time.)"""
    found = sorted(cache.glob(f"1.{minor}.*.json"))
    if found:
        return found[0].read_bytes(), found[0].stem
    for version in (f"1.{minor}.0", f">=1.{minor},<1.{minor + 1}"):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                data, exact = map_from_wheel(version, Path(tmp))
            except subprocess.CalledProcessError:
                continue
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"{exact}.json").write_bytes(data)
        return data, exact
    raise SystemExit(f"no litellm 1.{minor} wheel on the package index")
