-- The scores shown on each route's page: the route's own, its base model's, then its family's other base models';
-- each with its scope and the source(s) that reported it. {reported_by} is the column `reported_by`, or a stand-in
-- for snapshots from before it (they name their one source).
SELECT r.route_id,
       b.benchmark, b.benchmark_name || coalesce(' (' || b.variant || ')', '') AS benchmark_name, b.metric, b.score,
       b.unit, b.scope, b.base_model,
       CASE WHEN b.scope = 'route' THEN 'Route: ' || b.route_id
            WHEN b.base_model = r.base_model THEN 'Base model: ' || b.base_model
            ELSE 'Family ' || b.family || ': ' || b.base_model END AS scope_label,
       coalesce(b.scope <> 'route' AND b.base_model <> r.base_model, false) AS from_family,
       b.reasoning_effort, b.evaluator, coalesce(b.checked, b.measured) AS checked,
       coalesce({reported_by}, [b.source]) AS sources, b.source_url
FROM routes r
JOIN benchmarks b
  ON (b.scope = 'route' AND b.route_id = r.route_id)
  OR (b.scope = 'base_model' AND (b.base_model = r.base_model OR b.family = r.family))
WHERE r.route_id IN (SELECT unnest($routes))
-- to the last column: two scores of one benchmark and model (two leaderboard releases) keep one order in every build
ORDER BY r.route_id, b.scope <> 'route', b.base_model <> r.base_model, b.benchmark_name, b.base_model, b.score DESC,
         b.metric, b.reasoning_effort, b.evaluator, b.source, b.source_url, checked, b.route_id
