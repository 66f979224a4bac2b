-- limit_history after this snapshot: one row per (route, limit) and constant stated value (null is "not stated",
-- which ends a run). Relations: previous_limit_history, new_limits. Variables: as_of.
CREATE OR REPLACE TEMP VIEW previous_series AS
SELECT to_json([route_id, limit_name])::VARCHAR AS key, {'route_id': route_id, 'limit_name': limit_name} AS series,
       value::VARCHAR AS value, valid_from, valid_to
FROM previous_limit_history;

CREATE OR REPLACE TEMP VIEW current_series AS
SELECT to_json([route_id, limit_name])::VARCHAR AS key, {'route_id': route_id, 'limit_name': limit_name} AS series,
       value::VARCHAR AS value
FROM (UNPIVOT new_limits ON context_window, max_input_tokens, max_output_tokens, max_tokens
      INTO NAME limit_name VALUE value);

SELECT series.route_id AS route_id, series.limit_name AS limit_name, value::BIGINT AS value, valid_from, valid_to
FROM history_step('previous_series', 'current_series', getvariable('as_of'))
ORDER BY route_id, limit_name, valid_from
