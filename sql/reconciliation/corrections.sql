-- every source's price statements of a snapshot, rebuilt from its published tables: a disagreement lists each
-- source's value; elsewhere every source stating the price agreed with the chosen value
CREATE OR REPLACE MACRO price_statements(chosen_prices, price_disagreements) AS TABLE
SELECT d.route_id, d.price_kind, d.tier, d.condition, d.unit, s.source, s.usd
FROM (SELECT *, unnest(statements) AS s FROM query_table(price_disagreements)) d
UNION ALL
SELECT c.route_id, c.price_kind, c.tier, c.condition, c.unit, unnest(c.sources_stating) AS source, c.usd
FROM query_table(chosen_prices) c
ANTI JOIN query_table(price_disagreements) d
    ON d.route_id = c.route_id AND d.price_kind = c.price_kind AND d.tier = c.tier
    AND d.condition IS NOT DISTINCT FROM c.condition AND d.unit = c.unit;

CREATE OR REPLACE MACRO close_to(a, b) AS abs(a - b) <= 0.005 * greatest(abs(a), abs(b));

-- a chosen price that moved is a correction when every source whose value moved now states the new price, and a
-- source that did not move already stated it before; otherwise it is a price change
CREATE OR REPLACE TABLE price_corrections AS
WITH before AS (SELECT * FROM price_statements('previous_prices', 'previous_disagreements')),
after AS (SELECT * FROM price_statements('current_prices', 'current_disagreements')),
moved_chosen AS (
    SELECT c.route_id, c.price_kind, c.tier, c.condition, c.unit, p.usd AS old_usd, c.usd AS new_usd
    FROM current_prices c
    JOIN previous_prices p ON p.route_id = c.route_id AND p.price_kind = c.price_kind AND p.tier = c.tier
        AND p.condition IS NOT DISTINCT FROM c.condition AND p.unit = c.unit
    WHERE p.usd <> c.usd
), per_source AS (
    SELECT m.*, a.source, b.usd AS was, a.usd AS now,
           b.usd IS NULL OR NOT close_to(a.usd, b.usd) AS moved
    FROM moved_chosen m
    JOIN after a ON a.route_id = m.route_id AND a.price_kind = m.price_kind AND a.tier = m.tier
        AND a.condition IS NOT DISTINCT FROM m.condition AND a.unit = m.unit
    LEFT JOIN before b ON b.route_id = m.route_id AND b.price_kind = m.price_kind AND b.tier = m.tier
        AND b.condition IS NOT DISTINCT FROM m.condition AND b.unit = m.unit AND b.source = a.source
)
SELECT route_id, price_kind, tier, condition, unit, any_value(old_usd) AS old_usd, any_value(new_usd) AS new_usd,
       CASE WHEN count(*) FILTER (WHERE moved) > 0
             AND bool_and(close_to(now, new_usd)) FILTER (WHERE moved)
             AND coalesce(bool_or(close_to(was, new_usd)) FILTER (WHERE NOT moved), false)
            THEN 'correction' ELSE 'price' END AS change,
       coalesce(list(source ORDER BY source) FILTER (WHERE moved), []) AS moved_sources
FROM per_source
GROUP BY route_id, price_kind, tier, condition, unit;
