-- The token prices a workload can use, one row per route, kind, service tier and prompt-size tier: $route_ids (a
-- list of route ids, NULL: every route). Kinds: input, output, cache_read, reasoning (usd_per_1m_tokens only; other
-- units cannot price tokens). Service tiers: standard and batch (flex, priority and the like are other offers).
-- `above` is the prompt size in tokens a price starts above: 0 for the base price; `above_200k_tokens` -> 200000,
-- `above_524288_tokens` -> 524288, a range `tokens_A_to_B` -> A. An input price on condition `cache_hit` is a
-- cache-read price (deepseek states both); where a route states the same price twice (a NULL condition and
-- `tokens_0_to_N`, or cache_read and input/cache_hit) the plain one wins.
WITH stated AS (
    SELECT route_id,
           CASE WHEN price_kind = 'input' AND condition = 'cache_hit' THEN 'cache_read' ELSE price_kind END AS kind,
           tier AS service_tier,
           CASE WHEN condition IS NULL OR condition = 'cache_hit' THEN 0
                WHEN regexp_matches(condition, '^above_[0-9]+k_tokens$')
                    THEN regexp_extract(condition, '^above_([0-9]+)k', 1)::BIGINT * 1000
                WHEN regexp_matches(condition, '^above_[0-9]+_tokens$')
                    THEN regexp_extract(condition, '^above_([0-9]+)_', 1)::BIGINT
                WHEN regexp_matches(condition, '^tokens_[0-9]+_to_[0-9]+$')
                    THEN regexp_extract(condition, '^tokens_([0-9]+)_to', 1)::BIGINT
           END AS above,
           CASE WHEN condition IS NULL THEN 0 WHEN condition = 'cache_hit' THEN 2 ELSE 1 END AS preference,
           usd
    FROM prices
    WHERE unit = 'usd_per_1m_tokens'
      AND price_kind IN ('input', 'output', 'cache_read', 'reasoning')
      AND tier IN ('standard', 'batch')
      AND usd IS NOT NULL
      AND ($route_ids IS NULL OR list_contains($route_ids, route_id))
)
SELECT route_id, kind, service_tier, above, usd
FROM stated
WHERE above IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY route_id, kind, service_tier, above ORDER BY preference, usd) = 1
ORDER BY route_id, kind, service_tier, above
