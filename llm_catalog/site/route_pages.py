"""The route pages, most of a build (11,864 of its ~15,000 files): rendered by a pool of processes, one per core,
each reading its share of the routes through its own read-only connection to the snapshot (a DuckDB connection is
not shared across processes; spawned, not forked, as DuckDB runs threads).

A route is listed among the similar models of many pages (1.6M rows over 11,864 pages), and its cells in that table
(name, provider, prices, modalities, features, context) are the same on each: a process reads them once for every
route and writes them once (SimilarCells), and each page adds only its own (ranks, reasons, score, compare link).
A page draws the rows its first lens lists; the rows only other lenses list are its data, drawn by site.js.
A process reads the snapshot's tables into memory once (snapshot.connect's in_memory): its tasks query each of them,
and a view over a file decodes the whole file per query."""

from __future__ import annotations

import gc
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import jinja2
from markupsafe import Markup

from llm_catalog.machine import usable_cores
from llm_catalog.readers import formatting, page, snapshot
from llm_catalog.site import links
from llm_catalog.site.compare import Embedding, script_json
from llm_catalog.site.templating import Once, environment
from llm_catalog.site.views import SIMILAR_TEXTS, route_view, similar_texts
from llm_catalog.warehouse.store import Warehouse

# what a row of #similar-more holds: its listed route's texts, then its ranks, scores and reasons
MORE_FIELDS = script_json([list(SIMILAR_TEXTS), ["rank_attr", "score_attr", "reasons"]])
ROUTES_PER_TASK = 500  # a task's routes: page.gather_pages reads them in one batch, and tasks even out the cores
MAX_WORKERS = 8


def workers() -> int:
    """The processes a build renders with: the cores this process may run on (at most MAX_WORKERS)."""
    return max(1, min(usable_cores(), MAX_WORKERS))


class RoutePages:
    """The page of each of ``route_ids`` into ``out``/routes, by ``processes`` processes, rendered while the build
    writes its other pages (a context: leaving it stops the pool, queued tasks cancelled); ``count()`` waits for
    them and says how many were written. With one process they are rendered in this one, by ``count()``."""

    def __init__(
        self, warehouse: Warehouse, snapshot_id: str, route_ids: list[str], out: Path, common: dict, processes: int
    ):
        route_ids = sorted(route_ids)  # a task of neighbours: the tables are in route order, its queries skip the rest
        self.tasks = [route_ids[i : i + ROUTES_PER_TASK] for i in range(0, len(route_ids), ROUTES_PER_TASK)]
        self.setting = (warehouse, snapshot_id, out, common)
        self.processes = min(processes, len(self.tasks))
        self.pool, self.written = None, None

    def __enter__(self) -> RoutePages:
        if self.processes > 1:
            spawn = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(self.processes, mp_context=spawn, initializer=_start, initargs=self.setting)
            self.written = [self.pool.submit(_write_task, task) for task in self.tasks]
        return self

    def count(self) -> int:
        if self.pool is not None:
            return sum(future.result() for future in self.written)
        _start(*self.setting)
        try:
            return sum(map(_write_task, self.tasks))
        finally:
            _stop()

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class SimilarCells:
    """The cells of a similar-models row that depend only on the route it lists, written once per listed route and
    variants (views.similar_texts) from ``data``, what the table shows of each route (page.route_cells). ``attach``
    gives each drawn row its cells, rendered once (macros.html's similar_name and similar_cells), and turns the rows
    only other lenses list (``similar_more``) into the page's data (``similar_data``): site.js draws those when a lens
    shows them, so a page renders the ~17 rows of its first lens, not all ~43 it lists (the default site's pages are
    11% smaller)."""

    def __init__(self, env: jinja2.Environment, data: dict[str, dict]):
        macros = env.get_template("macros.html").module
        self.name, self.rest = macros.similar_name, macros.similar_cells
        self.data = data
        self.texts: dict[tuple, tuple[list, Markup]] = {}
        self.rendered: dict[tuple, dict] = {}

    def attach(self, view: dict) -> None:
        for row in view["similar"]:
            key = (row["other_route_id"], row["variants"])
            cells = self.rendered.get(key)
            if cells is None:
                texts = dict(zip(SIMILAR_TEXTS, self._texts(key)[0], strict=True))
                cells = {"name": self.name(texts), "query": texts["query"], "rest": self.rest(texts)}
                self.rendered[key] = cells
            row["cells"] = cells
        # the page's data: one JSON text per listed route, written once (texts); each page writes only its own
        # ranks, scores and reasons (a JSON text of a whole table per page took as long as rendering its rows)
        more = view["similar_more"]
        cells = ",".join(self._texts((r["other_route_id"], r["variants"]))[1] for r in more)
        ranked = script_json([[r["rank_attr"], r["score_attr"], r["reasons"]] for r in more])
        view["similar_data"] = Markup(f'{{"fields":{MORE_FIELDS},"cells":[{cells}],"ranked":{ranked}}}')

    def _texts(self, key: tuple) -> tuple[list, Markup]:
        """The texts of a listed route and variants, and the same as a JSON text."""
        texts = self.texts.get(key)
        if texts is None:
            route_id, variants = key
            written = similar_texts({**self.data[route_id], "variants": variants})
            listed = [written[field] for field in SIMILAR_TEXTS]
            texts = self.texts[key] = (listed, script_json(listed))
        return texts


def attach_shared_parts(view: dict, once: Once) -> None:
    """The parts of the page's rows that many pages share (parts.html), each rendered once per build process and
    what it depends on: each other provider's row its head (a base model's routes each list the others: 290,000
    rows in the default site), each price and limit its sources (stated_by: 88,000 rows, a few hundred kinds)."""
    for a in view["alternatives"]:
        a["head"] = once("alternative_head", (a["other_route_id"], a["other_unit_price"], a["price_basis"]), a)
    for row in chain((p for group in view["pricing"] for p in group["rows"]), view["limits"]):
        stated = tuple((s["source"], s["chosen"]) for s in row["stated"])
        row["stated_by"] = once("stated_by", (stated, row["why"], bool(row["statements"])), row)


@dataclass
class _Renderer:
    """What one process renders route pages with."""

    con: object
    snapshot_id: str
    out: Path
    common: dict
    template: jinja2.Template
    once: Once
    cells: SimilarCells
    embedding: Embedding


_RENDERER: _Renderer | None = None


def _start(warehouse: Warehouse, snapshot_id: str, out: Path, common: dict) -> None:
    global _RENDERER
    # each table is read by every task; one DuckDB thread, as the pool has a process per core
    con, _ = snapshot.connect(warehouse, snapshot_id, in_memory=True, threads=1)
    env = environment()
    cells = SimilarCells(env, page.route_cells(con))
    template, once = env.get_template("route.html"), env.globals["once"]
    _RENDERER = _Renderer(con, snapshot_id, out, common, template, once, cells, Embedding.read(con))
    gc.freeze()  # what the process keeps (its data, the templates) is never garbage: the collector skips it


def _stop() -> None:
    global _RENDERER
    if _RENDERER is not None:
        _RENDERER.con.close()
        _RENDERER = None
        gc.unfreeze()  # a build in this process: what it kept may be collected again


def _write_task(route_ids: list[str]) -> int:
    # a task's objects are freed as it goes (reference counts); the cycle collector, which runs every few hundred
    # allocations and walks the process's long-lived data (route_cells, the rendered parts), runs once after it
    gc.disable()
    try:
        return _write_pages(route_ids)
    finally:
        gc.enable()
        gc.collect()


def _write_pages(route_ids: list[str]) -> int:
    r = _RENDERER
    count = 0
    similar = page.similar_tables(r.con, route_ids, formatting.LENSES)
    for found in page.gather_pages(r.con, r.snapshot_id, route_ids, similar=False):
        view = route_view(found, similar.get(found["route"]["route_id"]), r.cells.data)
        r.cells.attach(view)
        attach_shared_parts(view, r.once)
        html = r.template.render(
            root="../", page=found, view=view, compare_data=r.embedding.route(found, view), **r.common
        )
        (r.out / links.route_path(found["route"]["route_id"])).write_text(html)
        count += 1
    return count
