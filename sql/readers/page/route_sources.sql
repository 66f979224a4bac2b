-- Each source listing a route of the batch, with the route's id in that source and how the two were matched.
SELECT route_id, source, source_route_id, matched_by
FROM route_sources
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id, source
