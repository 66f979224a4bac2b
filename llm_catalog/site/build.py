"""The catalog site: static HTML pages of one snapshot, built from its published tables only (through the same
read-only connection as `llm-catalog query`), so it needs no server and shows what any consumer could build.

A build is written into a fresh folder beside the target and moved into place at the end: a failed build leaves the
previous site as it was. Only an empty folder or a site of ours holding nothing else is replaced (site.marker).

Every string a page or the index's data shows passes text.visible (hidden code points written as `<U+200B>`), and a
URL from a source becomes a link only if text.web_link accepts it (the `external` macro)."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import jinja2

from llm_catalog.paths import SQL_DIR
from llm_catalog.readers import page, search, snapshot
from llm_catalog.readers.query import fetch_rows
from llm_catalog.site import index_data, links, route_pages
from llm_catalog.site.changes import changes_table, month_views, write_change_pages
from llm_catalog.site.compare import write_compare
from llm_catalog.site.marker import MARKER, require_replaceable, stamp, written_files
from llm_catalog.site.providers import write_provider_pages
from llm_catalog.site.templating import STATIC, environment
from llm_catalog.warehouse.store import Warehouse

SITE_SQL = SQL_DIR / "site"
INDEX_SHOWN = 200  # rows the index draws at first (the script draws the rest on demand; all.html has every row)


def build_site(
    warehouse: Warehouse,
    out: Path,
    snapshot_id: str | None = None,
    *,
    as_of: date | None = None,
    processes: int | None = None,
) -> dict:
    """Build the site of ``snapshot_id`` (else the snapshot current on ``as_of``, else the current one) into ``out``,
    its route pages by ``processes`` processes (default: one per core); returns what site.json records."""
    target = Path(out).expanduser().resolve()
    require_replaceable(target)
    con, snapshot_id = snapshot.connect(warehouse, snapshot_id, as_of=as_of)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        record = write_site(warehouse, con, snapshot_id, staging, processes or route_pages.workers())
        _replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        con.close()
    return record


def _replace(new: Path, target: Path) -> None:
    require_replaceable(target)  # again: the user may have put a file there while the site was built
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{time.time_ns()}")
        target.rename(old)
    new.rename(target)
    target.chmod(0o755)  # mkdtemp makes it private; a site is for reading
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_site(warehouse: Warehouse, con, snapshot_id: str, out: Path, processes: int) -> dict:
    """Every page of the site of ``snapshot_id`` (read through ``con``) into the folder ``out`` (which exists)."""
    started = time.perf_counter()
    env = environment()
    sources = page.snapshot_sources(con, snapshot_id)
    common = {"snapshot": sources}
    index = _rows(con, "route_index")
    for folder in ("routes", "models", "benchmarks", "static"):
        (out / folder).mkdir()
    for name in ("site.css", "site.js", "search.js", "index.js"):
        shutil.copyfile(STATIC / name, out / "static" / name)

    route_ids = [r["route_id"] for r in index]
    with route_pages.RoutePages(warehouse, snapshot_id, route_ids, out, common, processes) as pending:
        # the other pages are written while the route pages' processes render
        embedding = write_compare(env, con, out, common)
        scores = _rows(con, "benchmark_scores")
        models = _write_model_pages(env, con, index, scores, out, common, embedding)
        benchmarks = _write_benchmark_pages(env, scores, out, common)
        changes = changes_table(con)
        write_change_pages(env, month_views(changes, {r["route_id"] for r in index}), out, common)
        _render(
            env,
            "index.html",
            out / "index.html",
            root="",
            routes=index,
            shown=INDEX_SHOWN,
            filters=index_data.filters(index),
            data=json.dumps(index_data.index_data(index, search.spellings(con)), separators=(",", ":")),
            **common,
        )
        by_model = sorted(index, key=lambda r: (r["base_model"], r["route_id"]))
        _render(env, "all.html", out / "all.html", root="", routes=by_model, **common)
        providers = write_provider_pages(env, con, index, out, common)
        routes = pending.count()

    record = {
        "snapshot_id": snapshot_id,
        "as_of": str(sources["as_of"]),
        "routes": routes,
        "models": models,
        "benchmarks": benchmarks,
        "providers": providers,
        "changes": changes.num_rows,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    record = stamp(record, written_files(out))
    (out / MARKER).write_text(json.dumps(record, indent=1) + "\n")  # last: a site without it is no site of ours
    return record


def _rows(con, name: str) -> list[dict]:
    return fetch_rows(con, (SITE_SQL / f"{name}.sql").read_text(), [])


def _render(env: jinja2.Environment, template: str, path: Path, **context) -> None:
    path.write_text(env.get_template(template).render(**context))


def _write_model_pages(env, con, index: list[dict], scores: list[dict], out: Path, common: dict, embedding) -> int:
    """A page per base model: its routes (cheapest input first), its metadata and its benchmark scores."""
    template = env.get_template("model.html")
    routes = defaultdict(list)
    for row in index:
        if row["listed"]:  # as `llm-catalog show BASE_MODEL` lists them: duplicate keys left out
            routes[row["base_model"]].append(row)
    models = {m["base_model"]: m for m in fetch_rows(con, "SELECT * FROM models", [])}
    by_model = defaultdict(list)
    for row in scores:
        by_model[row["base_model"]].append(row)
    for base_model, listed in routes.items():
        listed.sort(key=lambda r: (r["input_price"] is None, r["input_price"] or 0, r["route_id"]))
        html = template.render(
            root="../",
            base_model=base_model,
            routes=listed,
            model=models.get(base_model),
            scores=by_model.get(base_model, []),
            calculator_routes=embedding.model(listed),
            **common,
        )
        (out / links.model_path(base_model)).write_text(html)
    return len(routes)


def _write_benchmark_pages(env, scores: list[dict], out: Path, common: dict) -> int:
    """The benchmark explorer: a list of benchmarks, and a page per benchmark with every model's score."""
    by_benchmark = defaultdict(list)
    for row in scores:
        by_benchmark[row["benchmark_name"]].append(row)
    for name, listed in by_benchmark.items():
        _render(env, "benchmark.html", out / links.benchmark_path(name), root="../", name=name, scores=listed, **common)
    _render(env, "benchmarks.html", out / "benchmarks" / "index.html", root="../", benchmarks=by_benchmark, **common)
    return len(by_benchmark)
