"""The LiteLLM cost map of a litellm release, downloaded from the package index once and cached: shared by the speed
scripts that run over a range of real releases (price_fields.py, release_train.py)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from llm_catalog.sources.bundle import map_from_wheel

CACHE = Path.home() / ".cache" / "llm-catalog" / "litellm-maps"
# the highest litellm version uploaded in each month since 1.74 (from the package index's upload times)
MONTHLY_TRAIN = (
    "1.74.12,1.76.1,1.77.5,1.79.0,1.80.7,1.80.11,1.81.5,1.81.16,1.83.0,1.83.14,1.86.2,1.90.1,1.94.1,1.98.0,"
    "1.103.1,1.106.6,1.110.2"
)


def _download(spec: str, cache: Path) -> tuple[bytes, str] | None:
    """(map bytes, exact version) of the release ``spec`` names (a version or a range), cached under its version;
    None when the index has no such wheel."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            data, exact = map_from_wheel(spec, Path(tmp))
        except subprocess.CalledProcessError:
            return None
    cache.mkdir(parents=True, exist_ok=True)
    (cache / f"{exact}.json").write_bytes(data)
    return data, exact


def fetch_version(version: str, cache: Path = CACHE) -> tuple[bytes, str]:
    """(map bytes, version) of the exact litellm release ``version`` (e.g. 1.80.11)."""
    cached = cache / f"{version}.json"
    if cached.exists():
        return cached.read_bytes(), version
    found = _download(version, cache)
    if found is None:
        raise SystemExit(f"no litellm {version} wheel on the package index")
    return found


def fetch_map(minor: int, cache: Path = CACHE) -> tuple[bytes, str]:
    """(map bytes, exact version) of litellm 1.<minor>.0, or of the newest 1.<minor> patch when .0 was never
    released. (Not its date: the wheels stamp every file 1980-01-01, so a release's date is the index's upload time.)"""
    found = sorted(cache.glob(f"1.{minor}.*.json"))
    if f"1.{minor}.0.json" in {path.name for path in found}:
        return fetch_version(f"1.{minor}.0", cache)
    if found:
        return found[0].read_bytes(), found[0].stem
    for spec in (f"1.{minor}.0", f">=1.{minor},<1.{minor + 1}"):
        got = _download(spec, cache)
        if got is not None:
            return got
    raise SystemExit(f"no litellm 1.{minor} wheel on the package index")
