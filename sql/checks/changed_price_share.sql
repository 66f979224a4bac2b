-- How many of the prices present in both snapshots changed value. Relations: prices, previous_prices.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE p.usd IS DISTINCT FROM q.usd) AS changed
FROM prices p
JOIN previous_prices q
  ON q.route_id = p.route_id AND q.price_kind = p.price_kind AND q.tier = p.tier
 AND q.condition IS NOT DISTINCT FROM p.condition AND q.unit = p.unit
