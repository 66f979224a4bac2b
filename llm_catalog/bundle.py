"""Refresh the bundled cost map from a litellm wheel on PyPI (a maintainer's step, not part of a sync).

The wheel ships ``litellm/model_prices_and_context_window_backup.json``, a copy of the upstream
``model_prices_and_context_window.json``; older releases give older maps.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from llm_catalog.paths import BUNDLED_LITELLM_MAP, BUNDLED_LITELLM_SOURCE

WHEEL_MEMBER = "litellm/model_prices_and_context_window_backup.json"
UPSTREAM_FILE = "model_prices_and_context_window.json"


def map_from_wheel(version: str | None, work_dir: Path) -> tuple[bytes, str]:
    """Download the litellm wheel (newest when ``version`` is None; ``version`` may be a range such as
    ``>=1.79,<1.80``) and return (map bytes, exact version)."""
    spec = "litellm" if not version else f"litellm{version}" if version[0] in "<>=~!" else f"litellm=={version}"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(work_dir), spec],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wheel = next(work_dir.glob("litellm-*.whl"))
    exact = wheel.name.split("-")[1]
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(WHEEL_MEMBER), exact


def bundle(version: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data, exact = map_from_wheel(version, Path(tmp))
    json.loads(data)  # refuse to bundle something that is not JSON
    BUNDLED_LITELLM_MAP.parent.mkdir(parents=True, exist_ok=True)
    BUNDLED_LITELLM_MAP.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    meta = {
        "litellm_version": exact,
        "wheel_member": WHEEL_MEMBER,
        "upstream_file": UPSTREAM_FILE,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size_bytes": len(data),
    }
    BUNDLED_LITELLM_SOURCE.write_text(json.dumps(meta, indent=2) + "\n")
    return meta


if __name__ == "__main__":
    print(json.dumps(bundle(sys.argv[1] if len(sys.argv) > 1 else None), indent=2))
