-- The limits of the batch's routes whose sources disagree, with every source's statement.
SELECT route_id, limit_name, statements
FROM limit_disagreements
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id, limit_name
