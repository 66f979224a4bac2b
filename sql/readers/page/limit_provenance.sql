-- Where each stated limit of the batch's routes comes from: the source chosen, every source stating it, those
-- agreeing and the rule that chose.
SELECT route_id, limit_name, value, source, sources_stating, sources_agreeing, rule
FROM limit_provenance
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id, limit_name
