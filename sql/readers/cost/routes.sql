-- The routes a workload is priced on ($route_ids, NULL: every route), with the units their standard input and output
-- prices are stated in when none is per token (`usd_per_second` for a speech model): such a route cannot price a
-- token workload at all.
WITH other_units AS (
    SELECT route_id, price_kind,
           bool_or(unit = 'usd_per_1m_tokens') AS per_token,
           min(unit) FILTER (WHERE unit <> 'usd_per_1m_tokens') AS other_unit
    FROM prices
    WHERE price_kind IN ('input', 'output') AND tier = 'standard'
      AND ($route_ids IS NULL OR list_contains($route_ids, route_id))
    GROUP BY ALL
)
SELECT r.route_id, r.provider, r.provider_name, r.base_model, r.mode, r.duplicate_of,
       (SELECT other_unit FROM other_units u
        WHERE u.route_id = r.route_id AND u.price_kind = 'input' AND NOT u.per_token) AS input_unit,
       (SELECT other_unit FROM other_units u
        WHERE u.route_id = r.route_id AND u.price_kind = 'output' AND NOT u.per_token) AS output_unit
FROM routes r
WHERE $route_ids IS NULL OR list_contains($route_ids, r.route_id)
ORDER BY r.route_id
