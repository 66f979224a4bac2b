SELECT route_id, context_window, max_input_tokens, max_output_tokens, max_tokens
FROM limits
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id
