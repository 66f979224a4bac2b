-- Input and output token prices that look swapped: exactly exchanged since the previous snapshot, or input above
-- output on a route whose base model's other routes (at least three) price input below output.
-- Relations: prices, previous_prices, routes.
CREATE OR REPLACE TEMP MACRO token_io(price_table) AS TABLE
    SELECT route_id,
           max(usd) FILTER (WHERE price_kind = 'input') AS input_usd,
           max(usd) FILTER (WHERE price_kind = 'output') AS output_usd
    FROM query_table(price_table)
    WHERE tier = 'standard' AND condition IS NULL AND unit = 'usd_per_1m_tokens'
    GROUP BY route_id;

WITH io AS (SELECT * FROM token_io('prices')),
previous_io AS (SELECT * FROM token_io('previous_prices')),
peers AS (
    SELECT r.base_model, count(*) AS routes, count(*) FILTER (WHERE io.input_usd < io.output_usd) AS input_cheaper
    FROM io JOIN routes r USING (route_id)
    WHERE r.duplicate_of IS NULL AND io.input_usd > 0 AND io.output_usd > 0
    GROUP BY r.base_model
)
SELECT io.route_id, 'input_cost_per_token' AS field,
       to_json({'input': io.input_usd, 'output': io.output_usd, 'previous_input': q.input_usd,
                'previous_output': q.output_usd}) AS value,
       'prices_swapped' AS rule,
       format('input {} and output {} per 1M tokens are the previous snapshot''s output and input, exchanged',
              io.input_usd, io.output_usd) AS message,
       'warning' AS severity
FROM io JOIN previous_io q USING (route_id)
WHERE io.input_usd <> io.output_usd AND io.input_usd = q.output_usd AND io.output_usd = q.input_usd
UNION ALL
SELECT io.route_id, 'input_cost_per_token', to_json({'input': io.input_usd, 'output': io.output_usd}),
       'input_above_output',
       format('input {} is above output {} per 1M tokens, while {} of the other {} routes of {} price input lower',
              io.input_usd, io.output_usd, s.input_cheaper, s.routes - 1, r.base_model),
       'warning'
FROM io JOIN routes r USING (route_id) JOIN peers s USING (base_model)
WHERE io.input_usd > io.output_usd AND io.output_usd > 0 AND s.routes >= 4 AND s.input_cheaper = s.routes - 1
