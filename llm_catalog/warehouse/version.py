"""What a snapshot is made from: the code version, and the fingerprint of the sources and the code together. A
publish whose fingerprint is the current snapshot's has nothing new to publish."""

from __future__ import annotations

import hashlib
import json

from llm_catalog.paths import DATA_DIR, REPO_ROOT

# what decides the published data besides the inputs: a change here is a new code version
_CODE_GLOBS = ("llm_catalog/**/*.py", "assets/**/*.py", "sql/**/*.sql")
_CODE_DATA = (
    "providers.csv",
    "provider_names/self_hosted.csv",
    "model_aliases.csv",
    "model_families.csv",
)  # model_cards.csv is a source


def code_version() -> str:
    """sha256 over the source files and curated tables that shape the output (12 hex digits)."""
    digest = hashlib.sha256()
    files = sorted({p for pattern in _CODE_GLOBS for p in REPO_ROOT.glob(pattern)} | {DATA_DIR / n for n in _CODE_DATA})
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def fingerprint(sources: list[dict], code: str) -> str:
    """What a snapshot was made from: the sources' sha256 and the code version."""
    key = {"code_version": code, "sources": sorted((s["source"], s.get("sha256") or "") for s in sources)}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
