-- Routes that are a `duplicate_of` another: the base-model page's workload ranking leaves them out, as
-- `llm-catalog cost BASE_MODEL` does (sql/readers/cost/model_routes.sql).
SELECT route_id
FROM routes
WHERE duplicate_of IS NOT NULL AND duplicate_of <> route_id
