-- A price that moved by 10x or more since the previous snapshot (same route, kind, tier, condition and unit).
-- Relations: prices, previous_prices.
SELECT
    p.route_id,
    p.source_field AS field,
    to_json({'previous': q.usd, 'current': p.usd}) AS value,
    'price_jump' AS rule,
    format('{} {} price moved from {} to {} {} ({}x) since the previous snapshot',
           p.tier, p.price_kind, q.usd, p.usd, p.unit,
           round(greatest(p.usd / q.usd, q.usd / p.usd), 1)) AS message,
    'warning' AS severity
FROM prices p
JOIN previous_prices q
  ON q.route_id = p.route_id AND q.price_kind = p.price_kind AND q.tier = p.tier
 AND q.condition IS NOT DISTINCT FROM p.condition AND q.unit = p.unit
WHERE p.usd > 0 AND q.usd > 0
  AND greatest(p.usd / q.usd, q.usd / p.usd) >= 10
