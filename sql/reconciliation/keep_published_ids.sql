-- a route the catalog published keeps its id. A route first listed by a later source is published under that
-- source's id; when an earlier source lists it later (the map adds a route models.dev had), the matching would name
-- it by the earlier source's id: it keeps the published one instead, so that its links, history and dashboards hold.
-- Not when its sources were published under several ids (two published routes are one now: the first source's id
-- stays), nor when the published id is another route's now.
CREATE OR REPLACE TABLE published_ids AS
WITH published AS (
    SELECT DISTINCT rs.route_id AS now_id, p.route_id AS then_id
    FROM route_sources rs
    JOIN previous_route_sources p ON p.source = rs.source AND p.source_route_id = rs.source_route_id
), single AS (
    SELECT now_id, any_value(then_id) AS then_id FROM published GROUP BY now_id HAVING count(*) = 1
)
SELECT now_id, then_id FROM single
WHERE now_id <> then_id
  AND then_id NOT IN (SELECT route_id FROM catalog_keys)
  AND then_id IN (SELECT then_id FROM single GROUP BY then_id HAVING count(*) = 1);

UPDATE route_sources SET route_id = p.then_id FROM published_ids p WHERE route_sources.route_id = p.now_id;

UPDATE catalog_keys SET route_id = p.then_id FROM published_ids p WHERE catalog_keys.route_id = p.now_id;
