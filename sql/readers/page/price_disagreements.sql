-- The prices of the batch's routes whose sources disagree: every source's statement (its value, date, route id and
-- the failure class it fell in), in the order the reconciliation lists them.
SELECT route_id, price_kind, tier, condition, unit, statements
FROM price_disagreements
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id
