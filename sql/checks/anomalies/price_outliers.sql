-- A base price far off the other routes of the same base model: 20x above or below their median. (A per-token
-- price typed per 1K or per 1M tokens lands 1,000x or 1,000,000x off; 20x keeps honest discounts quiet.)
-- Needs three priced routes.
-- Relations: prices, routes.
WITH base_prices AS (
    SELECT p.route_id, p.price_kind, p.unit, p.usd, p.source_field, r.base_model
    FROM prices p JOIN routes r USING (route_id)
    WHERE p.tier = 'standard' AND p.condition IS NULL AND p.usd > 0 AND r.duplicate_of IS NULL
),
peers AS (
    SELECT base_model, price_kind, unit, median(usd) AS median_usd, count(*) AS routes
    FROM base_prices GROUP BY ALL HAVING count(*) >= 3
)
SELECT
    b.route_id,
    b.source_field AS field,
    to_json({'usd': b.usd, 'median_of_base_model': s.median_usd, 'routes': s.routes}) AS value,
    'price_outlier' AS rule,
    format('{} price {} {} is {}x the median of the {} routes of base model {} ({})',
           b.price_kind, b.usd, b.unit, round(b.usd / s.median_usd, 4), s.routes, b.base_model, s.median_usd) AS message,
    'warning' AS severity
FROM base_prices b
JOIN peers s USING (base_model, price_kind, unit)
WHERE b.usd >= 20 * s.median_usd OR b.usd * 20 <= s.median_usd
