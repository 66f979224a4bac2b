"""Similar models and same-model alternatives, computed in DuckDB from the SQL under ``sql/similarity`` and the top-K
kernel (``topk.py``).

The order of the steps is the algorithm:

1. ``quality.sql``: per base model, its positions on the quality scales (one leaderboard or index each), from the
   benchmarks; ``route_features.sql``: one packed row per route (comparability block, modality and capability bit
   masks, log price and log context with known-flags, quality positions).
2. ``scoring.sql``: the component scores, the blend and the lens scores, as SQL macros.
3. ``profiles.sql``: profiles (modality and capability masks, known price and window, a quality figure or not), the
   modality and capability scores of each pair of profiles, and classes: routes alike in all a reference brings to
   a pair have the same lists, so one route of each class is a reference and ``expand_lists.sql`` copies its lists.
4. ``topk.top_keys``: for each reference, every candidate of its block scored with the macros' arithmetic, the best
   key of each other base model, and the K best per lens.
5. ``similar_models.sql`` and ``alternatives.sql``: the published rows, with component scores and reasons.

The lists are exactly those of scoring every pair in SQL (``all_pairs.sql`` + ``scored_pairs.sql`` +
``reference_lists.sql``), which the tests compare against. Cost grows with the pairs of a block (references x
candidates), some tens of nanoseconds each.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.paths import SQL_DIR
from llm_catalog.similarity import topk

SIMILARITY_SQL = SQL_DIR / "similarity"
DEFAULT_K = 25


def _run(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute((SIMILARITY_SQL / name).read_text())


def connect(
    routes: pa.Table,
    prices: pa.Table,
    limits: pa.Table,
    capabilities: pa.Table,
    benchmarks: pa.Table | None = None,
    *,
    k: int = DEFAULT_K,
    threads: int | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection holding route_features, the scoring macros and the scored_pairs view (over every
    pair until a pass defines its own pair list). Without ``benchmarks`` no route has a quality figure."""
    con = duckdb.connect(config={"temp_directory": tempfile.gettempdir() + "/llm-catalog-duckdb"})
    con.execute("SET enable_progress_bar = false")  # the sync prints its own stage lines
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if benchmarks is None:
        benchmarks = schemas.BENCHMARKS.empty_table()
    relations = {"routes": routes, "prices": prices, "limits": limits, "capabilities": capabilities}
    for name, table in {**relations, "benchmarks": benchmarks}.items():
        con.register(name, table)
    con.execute(f"SET VARIABLE k = {int(k)}")
    _run(con, "scoring.sql")
    _run(con, "quality.sql")
    con.execute(f"CREATE TABLE route_features AS {(SIMILARITY_SQL / 'route_features.sql').read_text()}")
    _run(con, "all_pairs.sql")
    _run(con, "scored_pairs.sql")
    return con


def _features(con: duckdb.DuckDBPyConnection, where: str, order: str) -> dict:
    """The kernel's view of the routes ``where`` picks (ids as arrays, topk.FEATURES as one float64 matrix)."""
    columns = ", ".join(f"{name}::DOUBLE AS {name}" for name in topk.FEATURES)
    found = con.sql(
        f"SELECT idx, model_id, pid, block_id, {columns} FROM route_features "
        f"WHERE block IS NOT NULL AND {where} ORDER BY {order}"
    ).fetchnumpy()
    found["features"] = np.ascontiguousarray(np.column_stack([found.pop(name) for name in topk.FEATURES]))
    return found


def _class_lists(con: duckdb.DuckDBPyConnection, k: int, threads: int) -> pa.Table:
    """Each class representative's lists (ref and one list of keys per lens), from the kernel."""
    refs = _features(con, "idx = rep", "idx")
    cands = _features(con, "candidate", "block_id, model_id, idx")
    ((profiles,),) = con.execute("SELECT count(*) FROM profiles").fetchall()
    scores = con.sql("SELECT pa, pb, modality, capabilities FROM profile_scores").fetchnumpy()
    modality = np.zeros((profiles, profiles))
    capability = np.zeros((profiles, profiles))
    modality[scores["pa"], scores["pb"]] = scores["modality"]
    capability[scores["pa"], scores["pb"]] = scores["capabilities"]
    # a reference's candidates: the run of its block in the candidates' (block, model, idx) order
    lo = np.searchsorted(cands["block_id"], refs["block_id"], side="left")
    hi = np.searchsorted(cands["block_id"], refs["block_id"], side="right")
    keys = np.full((len(refs["idx"]), len(topk.LENSES), k), -1, np.int64)
    lengths = np.zeros(len(refs["idx"]), np.int64)
    shared = (
        keys, lengths, refs["model_id"], refs["pid"], lo, hi, refs["features"], topk.KEY_SHIFT - 1 - cands["idx"],
        cands["model_id"], cands["pid"], cands["features"], modality, capability,
    )  # fmt: skip
    # the kernel runs without the GIL: one thread per slice of references (every n-th, so that slices cost alike)
    order = np.arange(len(refs["idx"]))
    with ThreadPoolExecutor(threads) as pool:
        slices = [order[offset::threads] for offset in range(threads)]
        list(pool.map(lambda rows: topk.top_keys(rows, *shared), slices))
    # best first (keys are unique: ties are broken by route), the -1 padding last: a list's rank is its position
    keys = -np.sort(-keys, axis=2)
    listed = lengths > 0
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths[listed])]), pa.int32())
    columns = {"ref": pa.array(refs["idx"][listed], pa.int32())}
    for number, lens in enumerate(topk.LENSES):
        values = keys[listed, number, :]
        flat = values[np.arange(k)[None, :] < lengths[listed][:, None]]  # row by row, each list's first `length`
        columns[lens] = pa.ListArray.from_arrays(offsets, pa.array(flat, pa.int64()))
    return pa.table(columns)


def similar_models(con: duckdb.DuckDBPyConnection) -> pa.Table:
    _run(con, "profiles.sql")
    # the kernel uses as many threads as the connection (connect's ``threads``, else DuckDB's default: the cores)
    ((k, threads),) = con.execute("SELECT getvariable('k'), current_setting('threads')").fetchall()
    con.register("class_lists", _class_lists(con, int(k), int(threads)))
    _run(con, "expand_lists.sql")
    table = con.sql((SIMILARITY_SQL / "similar_models.sql").read_text()).to_arrow_table()
    return table.cast(schemas.SIMILAR_MODELS)


def reference_lists(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """(ref, lens, key) of the plain every-pair form, which the pruned lists must equal."""
    _run(con, "all_pairs.sql")
    return con.sql((SIMILARITY_SQL / "reference_lists.sql").read_text()).to_arrow_table()


def kernel_lists(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """(ref, lens, key) of the kernel's lists, after similar_models() has run on ``con``."""
    return con.sql("""
        SELECT ref, lens, unnest(keys) AS key FROM (
            SELECT ref, 'overall' AS lens, overall AS keys FROM similar_lists
            UNION ALL SELECT ref, 'cost', cost FROM similar_lists
            UNION ALL SELECT ref, 'modality', modality FROM similar_lists
            UNION ALL SELECT ref, 'capabilities', capabilities FROM similar_lists
            UNION ALL SELECT ref, 'context', context FROM similar_lists
            UNION ALL SELECT ref, 'quality', quality FROM similar_lists)""").to_arrow_table()


def alternatives(con: duckdb.DuckDBPyConnection) -> pa.Table:
    return con.sql((SIMILARITY_SQL / "alternatives.sql").read_text()).to_arrow_table().cast(schemas.ALTERNATIVES)


def compute(tables: dict[str, pa.Table], *, k: int = DEFAULT_K, threads: int | None = None) -> dict[str, pa.Table]:
    """similar_models and alternatives for the normalized tables (and ``benchmarks``, when given)."""
    con = connect(
        tables["routes"],
        tables["prices"],
        tables["limits"],
        tables["capabilities"],
        tables.get("benchmarks"),
        k=k,
        threads=threads,
    )
    return {"similar_models": similar_models(con), "alternatives": alternatives(con)}
