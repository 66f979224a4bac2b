-- The other providers of each route's base model, cheapest first.
SELECT route_id, other_route_id, other_provider_name, other_unit_price, price_basis, price_difference,
       other_context_window
FROM alternatives
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id, rank
