-- The routes of base model $base_model, each once: a route that is a `duplicate_of` another is left out, as search
-- leaves it out.
SELECT route_id
FROM routes
WHERE base_model = $base_model AND (duplicate_of IS NULL OR duplicate_of = route_id)
ORDER BY route_id
