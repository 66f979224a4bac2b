-- Each route's price history: every price it has stated over the snapshots, with the dates each held.
SELECT route_id, price_kind, tier, condition, unit, usd, valid_from, valid_to
FROM price_history
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id, price_kind, tier, condition, unit, valid_from
