-- one matching pass for one source ($1) on one key ({key}, named $2): the catalog's routes this source has not
-- matched yet and the source's routes not matched yet pair up one to one within (provider group, key), in preference order
INSERT INTO route_sources
WITH open_catalog AS (
    SELECT c.*, row_number() OVER (
        PARTITION BY c.provider_group, c.{key} ORDER BY c.preference, length(c.short_name), c.short_name, c.route_id) AS pick
    FROM catalog_keys c
    ANTI JOIN (SELECT route_id FROM route_sources WHERE source = $1) taken USING (route_id)
), open_source AS (
    SELECT k.*, row_number() OVER (
        PARTITION BY k.provider_group, k.{key} ORDER BY k.preference, length(k.short_name), k.short_name, k.route_id) AS pick
    FROM route_keys k
    ANTI JOIN (SELECT source_route_id AS route_id FROM route_sources WHERE source = $1) done USING (route_id)
    WHERE k.source = $1
)
SELECT c.route_id, $1, s.route_id, $2
FROM open_catalog c JOIN open_source s ON c.provider_group = s.provider_group AND c.{key} = s.{key} AND c.pick = s.pick;
