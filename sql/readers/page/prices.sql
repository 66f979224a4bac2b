-- Every price of the batch's routes: standard tier without condition first, as the page lists them.
SELECT route_id, price_kind, tier, condition, unit, usd, source_field
FROM prices
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id, tier <> 'standard', condition IS NOT NULL, price_kind, tier, condition, unit
