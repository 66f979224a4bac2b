"""The LiteLLM cost map of a litellm release, downloaded from the package index once and cached: shared by the speed
scripts that run over a range of real releases (price_fields.py, release_train.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from llm_catalog.sources.bundle import map_from_wheel
from llm_catalog.sources.releases import list_releases, pick

CACHE = Path.home() / ".cache" / "llm-catalog" / "litellm-maps"


def monthly_train(since: str = "1.74.0", every: str = "month") -> list[str]:
    """The highest litellm release uploaded in each month (or week, or every release) since ``since``, oldest
    first, from the package index's upload times (the same pick as `backfill --from-registry`)."""
    return [release.version for release in pick(list_releases("litellm"), every=every, since=since)]


def _download(spec: str, cache: Path) -> tuple[bytes, str] | None:
    """(map bytes, exact version) of the release ``spec`` names (a version or a range), cached under its version;
    None when the index has no such wheel."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            data, exact = map_from_wheel(spec, Path(tmp))
        except ValueError:  # the index has no final release with a wheel that matches
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
