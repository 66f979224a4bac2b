-- what no pass matched is a new catalog route under the source's own id (the source's name appended in the rare case
-- that the id is already a catalog route's, one this source matched to another of its routes)
CREATE OR REPLACE TEMP TABLE new_routes AS
SELECT k.*, CASE WHEN k.route_id IN (SELECT route_id FROM catalog_keys) THEN k.route_id || '~' || $1
                 ELSE k.route_id END AS catalog_id
FROM route_keys k
ANTI JOIN (SELECT source_route_id AS route_id FROM route_sources WHERE source = $1) done USING (route_id)
WHERE k.source = $1;

INSERT INTO catalog_keys
SELECT catalog_id, provider, provider_group, same_model, same_name, serving_variant, preference, short_name FROM new_routes;

INSERT INTO route_sources SELECT catalog_id, $1, route_id, 'new' FROM new_routes;
