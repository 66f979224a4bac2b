-- The other providers of each route's base model, cheapest first, with whether each is a runtime you run yourself
-- ({other_self_hosted}: NULL in a snapshot from before routes.self_hosted).
SELECT a.route_id, a.other_route_id, a.other_provider, a.other_provider_name, a.other_unit_price, a.price_basis,
       a.price_difference, a.other_context_window, {other_self_hosted} AS other_self_hosted
FROM alternatives a
LEFT JOIN routes o ON o.route_id = a.other_route_id
WHERE a.route_id IN (SELECT unnest($routes))
ORDER BY a.route_id, a.rank
