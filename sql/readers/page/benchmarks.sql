-- The scores shown on each route's page: the route's own, its base model's, then its family's other base models'
-- (up to $family_shown rows in all, at least 5; `family_rows` says how many the family has), each with its scope and
-- the source(s) that reported it. {reported_by} is the column `reported_by`, or a stand-in for snapshots from before
-- it (they name their one source).
-- Trimmed here, not in Python: a page used to fetch its family's every score (577,000 rows for the default catalog),
-- and handing rows to Python is what a page's data costs. Three equality joins, not one join on an OR, so DuckDB
-- hashes each.
WITH batch AS (
    SELECT route_id, base_model, family FROM routes WHERE route_id IN (SELECT unnest($routes))
),
matched AS (
    SELECT r.route_id, r.base_model AS route_base_model, b.route_id AS scored_route_id, b.* EXCLUDE (route_id)
    FROM batch r JOIN benchmarks b ON b.scope = 'route' AND b.route_id = r.route_id
    UNION ALL
    SELECT r.route_id, r.base_model, b.route_id, b.* EXCLUDE (route_id)
    FROM batch r JOIN benchmarks b ON b.scope = 'base_model' AND b.base_model = r.base_model
    UNION ALL
    SELECT r.route_id, r.base_model, b.route_id, b.* EXCLUDE (route_id)
    FROM batch r JOIN benchmarks b
      ON b.scope = 'base_model' AND b.family = r.family AND (b.base_model = r.base_model) IS NOT TRUE
),
numbered AS (
    SELECT *,
           coalesce(scope <> 'route' AND base_model <> route_base_model, false) AS from_family,
           -- to the last column: two scores of one benchmark and model (two leaderboard releases) keep one order
           -- in every build
           row_number() OVER (
               PARTITION BY route_id
               ORDER BY scope <> 'route', base_model <> route_base_model, benchmark_name, base_model, score DESC,
                        metric, reasoning_effort, evaluator, source, source_url, coalesce(checked, measured),
                        scored_route_id
           ) AS position
    FROM matched
),
counted AS (
    SELECT *,
           count(*) FILTER (NOT from_family) OVER (PARTITION BY route_id) AS own_rows,
           count(*) FILTER (from_family) OVER (PARTITION BY route_id) AS family_rows
    FROM numbered
)
SELECT route_id,
       benchmark, benchmark_name || coalesce(' (' || variant || ')', '') AS benchmark_name, metric, score, unit, scope,
       base_model,
       CASE WHEN scope = 'route' THEN 'Route: ' || scored_route_id
            WHEN base_model = route_base_model THEN 'Base model: ' || base_model
            ELSE 'Family ' || family || ': ' || base_model END AS scope_label,
       from_family, reasoning_effort, evaluator, coalesce(checked, measured) AS checked,
       coalesce({reported_by}, [source]) AS sources, source_url, family_rows
FROM counted
WHERE NOT from_family OR position - own_rows <= greatest($family_shown - own_rows, 5)
ORDER BY route_id, position
