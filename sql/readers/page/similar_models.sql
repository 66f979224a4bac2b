-- The similar-models table of each route on each lens asked for: the reference row (rank 0), then the closest
-- routes of other base models, at most $shown; what each row shows of a route comes from route_cells.sql. The
-- reasons come as one string ('|' between them): far quicker to hand to Python than a list per row. {variants} is
-- how many routes of the other model on its provider the row stands for (NULL before snapshots counted them).
SELECT route_id, lens, rank, other_route_id, {variants} AS variants, score, array_to_string(reasons, '|') AS reasons
FROM similar_models
WHERE route_id IN (SELECT unnest($routes)) AND list_contains($lenses, lens) AND rank <= $shown
UNION ALL
SELECT DISTINCT route_id, lens, 0, route_id, NULL, NULL, 'Current model|Reference row'
FROM similar_models
WHERE route_id IN (SELECT unnest($routes)) AND list_contains($lenses, lens)
ORDER BY route_id, lens, rank
