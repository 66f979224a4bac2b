-- What the similar-models tables of a batch of routes show of each route in them: the batch's routes themselves
-- (the reference rows) and every route they list.
SELECT *
FROM route_cells
WHERE route_id IN (SELECT unnest($routes))
   OR route_id IN (SELECT other_route_id FROM similar_models
                   WHERE route_id IN (SELECT unnest($routes)) AND list_contains($lenses, lens) AND rank <= $shown)
ORDER BY route_id
