"""Which folder is a site this tool built, and whether `site --out` may replace it.

A build writes site.json last: the tool's format name and version, what the site shows, and every file the build
wrote. A folder is replaced only when it is empty or holds such a marker and nothing but the files it lists, so a
folder that merely has a file named site.json, or a site of ours with the user's own files added, is refused and left
as it was. Sites built before the marker named its format (a marker of exactly LEGACY_KEYS) are recognised by the
layout every build writes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from llm_catalog.errors import CatalogError
from llm_catalog.text import visible

MARKER = "site.json"
FORMAT = "llm-catalog-site"
FORMAT_VERSION = 1
# the only folders a build makes
FOLDERS = frozenset({"routes", "models", "benchmarks", "providers", "static", "changes"})
MARKER_LIMIT = 64 * 2**20  # a marker lists every page: ~60 bytes each, far below this for any catalog
# the marker of a site built before it named its format: exactly these keys
LEGACY_KEYS = frozenset(
    {"snapshot_id", "as_of", "routes", "models", "benchmarks", "changes", "built_at", "build_seconds"}
)
# every file such a build writes (page names are links.slug's: a readable part and an 8-digit hash)
LEGACY_LAYOUT = re.compile(
    r"(index|all|changes)\.html|site\.json|static/site\.(css|js)|benchmarks/index\.html"
    r"|(routes|models|benchmarks)/[a-z0-9-]+-[0-9a-f]{8}\.html|changes/\d{4}-\d{2}\.html"
)


def stamp(record: dict, files: list[str]) -> dict:
    """The marker of a site: its format and version, ``record`` (what it shows) and the files the build wrote."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION, **record, "files": sorted(files)}


def written_files(folder: Path) -> list[str]:
    """Every file under ``folder`` as a path relative to it, `/`-separated (what a marker lists)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def site_record(folder: Path) -> dict | None:
    """The marker of the site this tool built in ``folder`` (a legacy one too); None where there is none of ours."""
    path = Path(folder) / MARKER
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MARKER_LIMIT:
            return None
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON: not a marker of ours
        return None
    if not isinstance(record, dict):
        return None
    if record.get("format") == FORMAT and record.get("format_version") == FORMAT_VERSION:
        files = record.get("files")
        ours = isinstance(files, list) and all(isinstance(f, str) for f in files)
        return record if ours and isinstance(record.get("snapshot_id"), str) else None
    if set(record) == LEGACY_KEYS and isinstance(record["snapshot_id"], str):
        return record
    return None


def require_replaceable(folder: Path) -> None:
    """Refuse (CatalogError, one line naming the folder and what is in the way) unless ``folder`` is absent, empty,
    or a site this tool built holding nothing it did not write."""
    if not os.path.lexists(folder):
        return
    if folder.is_symlink() or not folder.is_dir():
        raise CatalogError(f"{folder} is not a folder: not replaced; choose an empty or new folder")
    if not any(folder.iterdir()):
        return
    record = site_record(folder)
    if record is None:
        raise CatalogError(
            f"{folder} is not empty and holds no {MARKER} of a site built by llm-catalog (format {FORMAT}): "
            "not a site built here, so not replaced; choose an empty or new folder"
        )
    unknown = _unknown_entry(folder, record)
    if unknown is not None:
        raise CatalogError(
            f"{folder} holds {visible(unknown)}, which llm-catalog did not write: the site there is not replaced; "
            "move that out of the folder or choose another one"
        )


def _unknown_entry(folder: Path, record: dict) -> str | None:
    """The first entry under ``folder`` (by name) that the build of ``record`` did not write, if any: a file it
    does not list, a link, or a folder other than the site's own."""
    ours = (set(record["files"]) | {MARKER}).__contains__ if "files" in record else LEGACY_LAYOUT.fullmatch
    for root, dirs, files in os.walk(folder):  # links to folders are listed in dirs, and not followed
        dirs.sort()
        here = Path(root).relative_to(folder)
        for name in sorted(files):
            relative = (here / name).as_posix()
            if (Path(root) / name).is_symlink() or not ours(relative):
                return relative
        for name in dirs:
            relative = (here / name).as_posix()
            if relative not in FOLDERS or (Path(root) / name).is_symlink():
                return relative + "/"
    return None
