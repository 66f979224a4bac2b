-- The base model's metadata for each route of the batch (official docs and weights links, release date), each
-- value with the source that gave it.
SELECT r.route_id, m.display_name, m.release_date, m.knowledge_cutoff, m.docs_url, m.weights_url, m.provenance
FROM routes r
JOIN models m USING (base_model)
WHERE r.route_id IN (SELECT unnest($routes))
ORDER BY r.route_id
