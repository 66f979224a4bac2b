-- A route whose base model, or whose alias target, is not what it was in the previous snapshot: an alias or a
-- resolver rule now points it elsewhere, and every join on base_model moves with it.
-- Relations: routes, previous_routes.
SELECT r.route_id, 'base_model' AS field, to_json({'previous': q.base_model, 'current': r.base_model}) AS value,
       'base_model_changed' AS rule,
       format('base model changed from {} to {}', q.base_model, r.base_model) AS message,
       'warning' AS severity
FROM routes r JOIN previous_routes q USING (route_id)
WHERE r.base_model <> q.base_model
UNION ALL
SELECT r.route_id, 'alias_of', to_json({'previous': q.alias_of, 'current': r.alias_of}), 'alias_target_changed',
       format('alias_of changed from {} to {}', q.alias_of, r.alias_of), 'warning'
FROM routes r JOIN previous_routes q USING (route_id)
WHERE r.alias_of IS DISTINCT FROM q.alias_of AND q.alias_of IS NOT NULL AND r.alias_of IS NOT NULL
