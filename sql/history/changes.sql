-- Every difference between two snapshots of the catalog, one row each. The history (changes table) is this query
-- between each snapshot and the one before it; `llm-catalog diff` reads those rows back.
-- Each row says what changed twice: for a person (`field`, `old_value`, `new_value` as text, worded by
-- sql/history/change_text.sql, which runs first) and for a query (the typed columns of its kind: prices `price_kind`,
-- `tier`, `condition`, `unit`, `old_usd`, `new_usd`, `relative_change`; limits `limit_name`, `old_limit`, `new_limit`;
-- capabilities `capability`, `old_supported`, `new_supported`). An added route's new_value (a removed one's old_value)
-- says what the route is: its mode and up to three standard prices.
-- A price that moved because a source corrected itself to agree with the others is change 'correction', not 'price',
-- with the sources whose statement moved (moved_sources; llm_catalog.history.step.price_moves).
-- Relations: old_routes, old_prices, old_limits, old_capabilities and new_* alike; price_moves.
-- Variables: snapshot_id, previous_snapshot_id, as_of.
WITH kept AS (SELECT route_id FROM new_routes INTERSECT SELECT route_id FROM old_routes),
added_or_removed AS (
    SELECT 'new' AS side, route_id, mode FROM new_routes WHERE route_id NOT IN (SELECT route_id FROM old_routes)
    UNION ALL
    SELECT 'old', route_id, mode FROM old_routes WHERE route_id NOT IN (SELECT route_id FROM new_routes)
),
price_rows AS (
    SELECT 'new' AS side, route_id, price_kind, tier, condition, unit, usd FROM new_prices
    UNION ALL
    SELECT 'old', route_id, price_kind, tier, condition, unit, usd FROM old_prices
),
route_prices AS (
    -- input first, then output, then the other kinds by name
    SELECT side, route_id,
           list(replace(price_kind, '_', ' ') || ' ' || usd_text(usd) || ' ' || unit_text(unit)
                ORDER BY price_kind NOT IN ('input', 'output'), price_kind <> 'input', price_kind, unit)[1:3] AS prices
    FROM price_rows SEMI JOIN added_or_removed USING (side, route_id)
    WHERE tier = 'standard' AND condition IS NULL
    GROUP BY side, route_id
),
routes_added_removed AS (
    SELECT route_id, CASE side WHEN 'new' THEN 'added' ELSE 'removed' END AS change, 'route' AS field,
           coalesce(mode, 'unknown mode')
           || coalesce(': ' || nullif(array_to_string(prices, ', '), ''), ', no standard price') AS summary, side
    FROM added_or_removed LEFT JOIN route_prices USING (side, route_id)
),
prices_moved AS (
    SELECT route_id, price_kind, tier, condition, unit,
           max(usd) FILTER (WHERE side = 'old') AS old_usd, max(usd) FILTER (WHERE side = 'new') AS new_usd
    FROM price_rows WHERE route_id IN (SELECT route_id FROM kept)
    GROUP BY route_id, price_kind, tier, condition, unit
    HAVING max(usd) FILTER (WHERE side = 'old') IS DISTINCT FROM max(usd) FILTER (WHERE side = 'new')
),
prices_changed AS (
    -- a price a source corrected to agree with the others is a correction (price_moves); any other move, and a
    -- price that appeared or went, is a price change
    SELECT p.*, coalesce(m.change, 'price') AS change, m.moved_sources
    FROM prices_moved p
    LEFT JOIN price_moves m ON m.route_id = p.route_id AND m.price_kind = p.price_kind AND m.tier = p.tier
        AND m.condition IS NOT DISTINCT FROM p.condition AND m.unit = p.unit
),
limit_values AS (
    SELECT 'new' AS side, * FROM (UNPIVOT (SELECT * FROM new_limits WHERE route_id IN (SELECT route_id FROM kept))
        ON context_window, max_input_tokens, max_output_tokens, max_tokens INTO NAME limit_name VALUE value)
    UNION ALL
    SELECT 'old', * FROM (UNPIVOT (SELECT * FROM old_limits WHERE route_id IN (SELECT route_id FROM kept))
        ON context_window, max_input_tokens, max_output_tokens, max_tokens INTO NAME limit_name VALUE value)
),
limits_changed AS (
    SELECT route_id, 'limit' AS change, limit_name,
           max(value) FILTER (WHERE side = 'old')::BIGINT AS old_limit,
           max(value) FILTER (WHERE side = 'new')::BIGINT AS new_limit
    FROM limit_values GROUP BY route_id, limit_name
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
    SELECT route_id, 'capability' AS change, capability,
           bool_or(supported) FILTER (WHERE side = 'old') AS old_supported,
           bool_or(supported) FILTER (WHERE side = 'new') AS new_supported
    FROM capability_values GROUP BY route_id, capability
    HAVING bool_or(supported) FILTER (WHERE side = 'old') IS DISTINCT FROM bool_or(supported) FILTER (WHERE side = 'new')
),
route_columns AS (
    SELECT 'new' AS side, route_id, array_to_string(input_modalities, ', ') AS input_modalities,
           array_to_string(output_modalities, ', ') AS output_modalities, mode, provider_name, base_model, family,
           alias_of, deprecation_date::VARCHAR AS deprecation_date, source_url
    FROM new_routes WHERE route_id IN (SELECT route_id FROM kept)
    UNION ALL
    SELECT 'old', route_id, array_to_string(input_modalities, ', '), array_to_string(output_modalities, ', '), mode,
           provider_name, base_model, family, alias_of, deprecation_date::VARCHAR, source_url
    FROM old_routes WHERE route_id IN (SELECT route_id FROM kept)
),
route_fields AS (
    SELECT * FROM route_columns UNPIVOT INCLUDE NULLS (value FOR field IN (
        input_modalities, output_modalities, mode, provider_name, base_model, family, alias_of, deprecation_date,
        source_url))
),
routes_changed AS (
    SELECT route_id, CASE WHEN field LIKE '%modalities' THEN 'modality' ELSE 'metadata' END AS change,
           replace(field, '_', ' ') AS field,
           max(value) FILTER (WHERE side = 'old') AS old_value, max(value) FILTER (WHERE side = 'new') AS new_value
    FROM route_fields GROUP BY route_id, field
    HAVING max(value) FILTER (WHERE side = 'old') IS DISTINCT FROM max(value) FILTER (WHERE side = 'new')
),
changed AS (
    SELECT route_id, change, field, CASE side WHEN 'old' THEN summary END AS old_value,
           CASE side WHEN 'new' THEN summary END AS new_value
    FROM routes_added_removed
    UNION ALL BY NAME
    SELECT *, price_text(price_kind, tier, condition, unit) AS field, usd_text(old_usd) AS old_value,
           usd_text(new_usd) AS new_value,
           CASE WHEN old_usd > 0 THEN round(new_usd / old_usd - 1, 6) END AS relative_change
    FROM prices_changed
    UNION ALL BY NAME
    SELECT *, replace(limit_name, '_', ' ') AS field, limit_text(old_limit) AS old_value,
           limit_text(new_limit) AS new_value
    FROM limits_changed
    UNION ALL BY NAME
    SELECT *, replace(capability, '_', ' ') AS field, supported_text(old_supported) AS old_value,
           supported_text(new_supported) AS new_value
    FROM capabilities_changed
    UNION ALL BY NAME
    SELECT * FROM routes_changed
)
SELECT getvariable('snapshot_id') AS snapshot_id, getvariable('previous_snapshot_id') AS previous_snapshot_id,
       getvariable('as_of')::DATE AS as_of, route_id, change, field, old_value, new_value, relative_change,
       price_kind, tier, condition, unit, old_usd, new_usd, limit_name, old_limit, new_limit,
       capability, old_supported, new_supported, moved_sources
FROM changed
ORDER BY route_id, change, field
