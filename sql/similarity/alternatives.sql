-- For each route, the other routes serving the same base model, cheapest first by the block's price basis
-- (tokens: 3 input : 1 output per 1M), with what differs. Duplicate and alias keys, and routes that need something of
-- the user's own (routes.requires_own), are not listed as alternatives.
-- Relations: route_features.
WITH page_capabilities(capability, bit) AS (
    VALUES ('vision', 1), ('function_calling', 2), ('parallel_function_calling', 4), ('tool_choice', 8),
           ('prompt_caching', 16), ('reasoning', 32), ('response_schema', 64), ('system_messages', 128),
           ('audio_input', 256), ('audio_output', 512), ('web_search', 1024), ('pdf_input', 2048),
           ('video_input', 4096)
),
pairs AS (
    SELECT a.route_id, b.route_id AS other_route_id, b.provider AS other_provider, b.provider_name AS other_provider_name,
           b.price_basis, a.unit_price AS unit_price, round(b.unit_price, 9) AS other_unit_price,
           b.input_tokens AS other_input_usd_per_1m, b.output_tokens AS other_output_usd_per_1m,
           a.context_window, b.context_window AS other_context_window,
           a.cap_true AS true_a, a.cap_known AS known_a, b.cap_true AS true_b, b.cap_known AS known_b
    FROM route_features a
    JOIN route_features b ON a.base_model = b.base_model AND a.idx <> b.idx AND b.listable
)
SELECT route_id,
       row_number() OVER (PARTITION BY route_id ORDER BY other_unit_price NULLS LAST, other_route_id)::INTEGER AS rank,
       other_route_id, other_provider, other_provider_name, price_basis,
       other_unit_price, other_input_usd_per_1m, other_output_usd_per_1m,
       round(other_unit_price - unit_price, 9) AS price_difference,
       round(other_unit_price / nullif(unit_price, 0), 6) AS price_ratio,
       other_context_window, other_context_window - context_window AS context_difference,
       (SELECT list(capability ORDER BY bit) FROM page_capabilities
        WHERE true_b & bit <> 0 AND true_a & bit = 0) AS capabilities_gained,
       (SELECT list(capability ORDER BY bit) FROM page_capabilities
        WHERE true_a & bit <> 0 AND known_b & bit <> 0 AND true_b & bit = 0) AS capabilities_lost,
       (SELECT list(capability ORDER BY bit) FROM page_capabilities
        WHERE true_a & bit <> 0 AND known_b & bit = 0) AS capabilities_unknown
FROM pairs
ORDER BY route_id, rank
