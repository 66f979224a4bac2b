-- The same figure reported by several sources, published once: for each benchmark, model (base model or route) and
-- score rounded to 0.1, the rows of the first source in precedence order stay, the other sources' rows go, and
-- `reported_by` names every source that gave the figure. Within that source, rows that say the same (same variant
-- and reasoning effort: models.dev copies one leaderboard figure into each dated file of a model) are kept once;
-- different figures all stay. Input: `matched` (the benchmarks schema) and `precedence` (source, priority).
WITH keyed AS (
    SELECT m.* EXCLUDE (reported_by), p.priority, round(m.score, 1) AS figure, coalesce(m.route_id, '') AS route_key
    FROM matched m JOIN precedence p USING (source)
),
figures AS (
    SELECT benchmark, base_model, scope, route_key, figure, min(priority) AS first_priority,
           list_sort(list(DISTINCT source)) AS reported_by
    FROM keyed GROUP BY ALL
)
SELECT k.* EXCLUDE (priority, figure, route_key), f.reported_by
FROM keyed k JOIN figures f USING (benchmark, base_model, scope, route_key, figure)
WHERE k.priority = f.first_priority
QUALIFY row_number() OVER (PARTITION BY k.benchmark, k.base_model, k.scope, k.route_key, k.figure,
                                        coalesce(k.variant, ''), coalesce(k.reasoning_effort, '')
                           ORDER BY k.source_model, k.source_url) = 1
ORDER BY k.benchmark, k.base_model, k.route_key, k.priority, k.source_model, k.score
