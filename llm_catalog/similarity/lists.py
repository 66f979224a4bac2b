"""Similar models and same-model alternatives, computed in DuckDB from the SQL under ``sql/similarity``.

The order of the files is the algorithm:

1. ``quality.sql``: per base model, its positions on the quality scales (one leaderboard or index each), from the
   benchmarks; ``route_features.sql``: one packed row per route (comparability block, modality and capability bit
   masks, log price and log context with known-flags, quality positions).
2. ``scoring.sql``: the component scores, the blend and the lens scores, as SQL macros.
3. ``scored_pairs.sql``: the comparable pairs of a pair list (same block, other base model, the other route a
   candidate: no duplicate key, nothing of the user's own, the cheapest of its variants) with their component scores
   and lens keys; each pass below defines its own ``pair_list``.
4. ``similarity_bounds.sql``: per route, the K-th best score of each lens among a sample (its nearest candidates in
   price, in context window, on the LMArena scale, and in price within its own profile; band joins on positions),
   one per other model as in the lists: a bound that every member of the true top K reaches.
5. ``profiles.sql``: profiles (modality and capability masks, known price and window, a quality figure or not) and,
   per pair of a reference's profile and a candidate's, the modality and capability scores and the best each lens
   can reach.
6. ``similar_lists.sql``, per chunk of references: every candidate of the profiles that can reach the reference's
   bounds, scored (cost, context and quality per pair, modality and capabilities from the profile pair), the best
   key of each other base model, then a streaming top-K per route and lens. Routes alike in all a reference brings
   to a pair have the same lists: one route of each such class is the reference in steps 4 and 6, and
   ``expand_lists.sql`` copies its lists to the rest.
7. ``similar_models.sql`` and ``alternatives.sql``: the published rows, with component scores and reasons.

Steps 4-6 only prune pairs that cannot be in a top K, so the lists are exactly those of scoring every pair
(``all_pairs.sql`` + ``reference_lists.sql``, which the tests compare against).
"""

from __future__ import annotations

import tempfile

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.paths import SQL_DIR

SIMILARITY_SQL = SQL_DIR / "similarity"
DEFAULT_K = 25
CHUNK = 4000  # references whose pairs are in flight at once (memory), see similar_lists.sql
SAMPLE_BAND = 30  # candidates on each side, in each sample order, that the bounds pass scores per route


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
    sample_band: int = SAMPLE_BAND,
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
    con.execute(f"SET VARIABLE sample_band = {int(sample_band)}")
    _run(con, "scoring.sql")
    _run(con, "quality.sql")
    con.execute(f"CREATE TABLE route_features AS {(SIMILARITY_SQL / 'route_features.sql').read_text()}")
    _run(con, "all_pairs.sql")
    _run(con, "scored_pairs.sql")
    return con


def similar_models(con: duckdb.DuckDBPyConnection, chunk: int = CHUNK) -> pa.Table:
    _run(con, "similarity_bounds.sql")
    _run(con, "profiles.sql")
    ((routes,),) = con.execute("SELECT count(*) FROM route_features").fetchall()
    for start in range(0, routes, chunk):  # one chunk of references at a time
        con.execute("SET VARIABLE ref_from = ?", [start])
        con.execute("SET VARIABLE ref_to = ?", [start + chunk])
        _run(con, "similar_lists.sql")
    _run(con, "expand_lists.sql")
    table = con.sql((SIMILARITY_SQL / "similar_models.sql").read_text()).to_arrow_table()
    return table.cast(schemas.SIMILAR_MODELS)


def reference_lists(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """(ref, lens, key) of the plain every-pair form, which the pruned lists must equal."""
    _run(con, "all_pairs.sql")
    return con.sql((SIMILARITY_SQL / "reference_lists.sql").read_text()).to_arrow_table()


def pruned_lists(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """(ref, lens, key) of the pruned form, after similar_models() has run on ``con``."""
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
