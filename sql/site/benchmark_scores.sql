-- Every score of the snapshot for the benchmark explorer: one benchmark (with its variant) per page, best first
-- where higher is better.
SELECT benchmark_name || coalesce(' (' || variant || ')', '') AS benchmark_name, metric, unit, score,
       higher_is_better, scope, base_model, family, route_id, source_model, reasoning_effort, evaluator,
       coalesce(checked, measured) AS checked, source, source_url
FROM benchmarks
ORDER BY benchmark_name, CASE WHEN higher_is_better THEN -score ELSE score END, base_model
