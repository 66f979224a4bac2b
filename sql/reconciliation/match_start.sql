-- the first source's routes are the catalog's to begin with: each keeps its id and its keys
CREATE OR REPLACE TABLE catalog_keys AS
SELECT route_id, provider, provider_group, same_model, same_name, serving_variant, preference, short_name
FROM route_keys WHERE source = $1;

CREATE OR REPLACE TABLE route_sources AS
SELECT route_id, source, route_id AS source_route_id, 'own_id' AS matched_by
FROM route_keys WHERE source = $1;
