SELECT route_id, capability, supported
FROM capabilities
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id
