-- Every way the snapshot names a base model, for search's $base: the base model itself, each route's id and model
-- name (lowercased), with how many routes give that spelling that base model. llm_catalog.readers.search adds the
-- curated aliases, normalizes and picks one base model per spelling (the same table the site ships to the browser).
SELECT spelling, base_model, min(tier) AS tier, count(*) AS routes
FROM (
    SELECT base_model AS spelling, base_model, 0 AS tier FROM routes
    UNION ALL SELECT lower(route_id), base_model, 2 FROM routes
    UNION ALL SELECT lower(model), base_model, 3 FROM routes WHERE model IS NOT NULL
)
WHERE base_model IS NOT NULL
GROUP BY spelling, base_model
