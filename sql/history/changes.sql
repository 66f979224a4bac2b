-- Every difference between two snapshots of the catalog, one row each. The history (changes table) is this query
-- between each snapshot and the one before it; `llm-catalog diff` runs it between any two.
-- Relations: old_routes, old_prices, old_limits, old_capabilities and new_* alike.
-- Variables: snapshot_id, previous_snapshot_id, as_of.
WITH routes_added AS (
    SELECT route_id, 'added' AS change, NULL AS field, NULL AS old_value, NULL AS new_value FROM new_routes
    WHERE route_id NOT IN (SELECT route_id FROM old_routes)
),
routes_removed AS (
    SELECT route_id, 'removed', NULL, NULL, NULL FROM old_routes
    WHERE route_id NOT IN (SELECT route_id FROM new_routes)
),
kept AS (SELECT route_id FROM new_routes INTERSECT SELECT route_id FROM old_routes),
price_keyed AS (
    SELECT 'new' AS side, route_id, usd,
           concat_ws('|', price_kind, tier, coalesce(condition, ''), unit) AS field
    FROM new_prices WHERE route_id IN (SELECT route_id FROM kept)
    UNION ALL
    SELECT 'old', route_id, usd, concat_ws('|', price_kind, tier, coalesce(condition, ''), unit)
    FROM old_prices WHERE route_id IN (SELECT route_id FROM kept)
),
prices_changed AS (
    SELECT route_id, 'price' AS change, field,
           max(usd) FILTER (WHERE side = 'old') AS old_usd, max(usd) FILTER (WHERE side = 'new') AS new_usd
    FROM price_keyed GROUP BY route_id, field
    HAVING max(usd) FILTER (WHERE side = 'old') IS DISTINCT FROM max(usd) FILTER (WHERE side = 'new')
),
limit_values AS (
    SELECT 'new' AS side, * FROM (UNPIVOT (SELECT * FROM new_limits WHERE route_id IN (SELECT route_id FROM kept))
        ON context_window, max_input_tokens, max_output_tokens, max_tokens INTO NAME field VALUE value)
    UNION ALL
    SELECT 'old', * FROM (UNPIVOT (SELECT * FROM old_limits WHERE route_id IN (SELECT route_id FROM kept))
        ON context_window, max_input_tokens, max_output_tokens, max_tokens INTO NAME field VALUE value)
),
limits_changed AS (
    SELECT route_id, 'limit', field, max(value) FILTER (WHERE side = 'old')::VARCHAR,
           max(value) FILTER (WHERE side = 'new')::VARCHAR
    FROM limit_values GROUP BY route_id, field
    HAVING max(value) FILTER (WHERE side = 'old') IS DISTINCT FROM max(value) FILTER (WHERE side = 'new')
),
capability_values AS (
    SELECT 'new' AS side, route_id, capability, supported FROM new_capabilities
    WHERE route_id IN (SELECT route_id FROM kept)
    UNION ALL
    SELECT 'old', route_id, capability, supported FROM old_capabilities
    WHERE route_id IN (SELECT route_id FROM kept)
),
capabilities_changed AS (
    -- a capability the old snapshot did not list counts as unknown (null), like one listed as unknown
    SELECT route_id, 'capability', capability, bool_or(supported) FILTER (WHERE side = 'old')::VARCHAR,
           bool_or(supported) FILTER (WHERE side = 'new')::VARCHAR
    FROM capability_values GROUP BY route_id, capability
    HAVING bool_or(supported) FILTER (WHERE side = 'old') IS DISTINCT FROM bool_or(supported) FILTER (WHERE side = 'new')
),
route_columns AS (
    SELECT 'new' AS side, route_id, input_modalities::VARCHAR AS input_modalities,
           output_modalities::VARCHAR AS output_modalities, mode, provider_name, base_model, family, alias_of,
           deprecation_date::VARCHAR AS deprecation_date, source_url
    FROM new_routes WHERE route_id IN (SELECT route_id FROM kept)
    UNION ALL
    SELECT 'old', route_id, input_modalities::VARCHAR, output_modalities::VARCHAR, mode, provider_name, base_model,
           family, alias_of, deprecation_date::VARCHAR, source_url
    FROM old_routes WHERE route_id IN (SELECT route_id FROM kept)
),
route_fields AS (
    SELECT * FROM route_columns UNPIVOT INCLUDE NULLS (value FOR field IN (
        input_modalities, output_modalities, mode, provider_name, base_model, family, alias_of, deprecation_date,
        source_url))
),
routes_changed AS (
    SELECT route_id, CASE WHEN field LIKE '%modalities' THEN 'modality' ELSE 'metadata' END, field,
           max(value) FILTER (WHERE side = 'old'), max(value) FILTER (WHERE side = 'new')
    FROM route_fields GROUP BY route_id, field
    HAVING max(value) FILTER (WHERE side = 'old') IS DISTINCT FROM max(value) FILTER (WHERE side = 'new')
)
SELECT getvariable('snapshot_id') AS snapshot_id, getvariable('previous_snapshot_id') AS previous_snapshot_id,
       getvariable('as_of')::DATE AS as_of, route_id, change, field, old_value, new_value,
       CASE WHEN change = 'price' AND old_value::DOUBLE > 0
            THEN round(new_value::DOUBLE / old_value::DOUBLE - 1, 6) END AS relative_change
FROM (
    SELECT * FROM routes_added
    UNION ALL SELECT * FROM routes_removed
    UNION ALL SELECT route_id, change, field, old_usd::VARCHAR, new_usd::VARCHAR FROM prices_changed
    UNION ALL SELECT * FROM limits_changed
    UNION ALL SELECT * FROM capabilities_changed
    UNION ALL SELECT * FROM routes_changed
)
ORDER BY route_id, change, field
