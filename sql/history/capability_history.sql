-- capability_history after this snapshot: one row per (route, capability) and constant stated value (unknown ends a
-- run). Relations: previous_capability_history, new_capabilities. Variables: as_of.
CREATE OR REPLACE TEMP VIEW previous_series AS
SELECT to_json([route_id, capability])::VARCHAR AS key, {'route_id': route_id, 'capability': capability} AS series,
       supported::VARCHAR AS value, valid_from, valid_to
FROM previous_capability_history;

CREATE OR REPLACE TEMP VIEW current_series AS
SELECT to_json([route_id, capability])::VARCHAR AS key, {'route_id': route_id, 'capability': capability} AS series,
       supported::VARCHAR AS value
FROM new_capabilities WHERE supported IS NOT NULL;

SELECT series.route_id AS route_id, series.capability AS capability, value::BOOLEAN AS supported, valid_from,
       valid_to
FROM history_step('previous_series', 'current_series', getvariable('as_of'))
ORDER BY route_id, capability, valid_from
