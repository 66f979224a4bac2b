-- price_history after this snapshot: one row per (route, price_kind, tier, condition, unit) and constant price.
-- Relations: previous_price_history, new_prices. Variables: as_of.
CREATE OR REPLACE TEMP VIEW previous_series AS
SELECT to_json([route_id, price_kind, tier, condition, unit])::VARCHAR AS key,
       {'route_id': route_id, 'price_kind': price_kind, 'tier': tier, 'condition': condition, 'unit': unit} AS series,
       usd::VARCHAR AS value, valid_from, valid_to
FROM previous_price_history;

CREATE OR REPLACE TEMP VIEW current_series AS
SELECT to_json([route_id, price_kind, tier, condition, unit])::VARCHAR AS key,
       {'route_id': route_id, 'price_kind': price_kind, 'tier': tier, 'condition': condition, 'unit': unit} AS series,
       usd::VARCHAR AS value
FROM new_prices;

SELECT series.route_id AS route_id, series.price_kind AS price_kind, series.tier AS tier,
       series.condition AS condition, series.unit AS unit, value::DOUBLE AS usd,
       valid_from, valid_to
FROM history_step('previous_series', 'current_series', getvariable('as_of'))
ORDER BY route_id, price_kind, tier, condition NULLS FIRST, unit, valid_from
