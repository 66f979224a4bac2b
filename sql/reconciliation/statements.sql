-- every source's statement of every field, long: one row per (field key, source), on the catalog's route ids.
-- key_id numbers the field keys: a price (route, price_kind, tier, condition, unit), a limit, a capability
-- (a capability the source does not state, supported null, is no statement)
CREATE OR REPLACE MACRO agrees(kind, a, b) AS
    CASE WHEN kind = 'price' THEN abs(a - b) <= 0.005 * greatest(abs(a), abs(b)) ELSE a = b END;

CREATE OR REPLACE TABLE statements AS
WITH stated AS (
    SELECT 'price' AS kind, p.source, p.route_id AS source_route_id, p.price_kind, p.tier, p.condition, p.unit,
           NULL::VARCHAR AS field, p.usd AS value, p.source_field
    FROM source_prices p
    UNION ALL
    SELECT 'limit', l.source, l.route_id, NULL, NULL, NULL, NULL, l.limit_name, l.value::DOUBLE, NULL
    FROM (UNPIVOT source_limits ON context_window, max_input_tokens, max_output_tokens, max_tokens
          INTO NAME limit_name VALUE value) l
    UNION ALL
    SELECT 'capability', c.source, c.route_id, NULL, NULL, NULL, NULL, c.capability,
           c.supported::INTEGER::DOUBLE, NULL
    FROM source_capabilities c
    WHERE c.supported IS NOT NULL
)
SELECT dense_rank() OVER (ORDER BY s.kind, rs.route_id, s.price_kind, s.tier, s.condition, s.unit, s.field) AS key_id,
       s.kind, rs.route_id, k.provider, s.price_kind, s.tier, s.condition, s.unit, s.field,
       s.source, s.source_route_id, s.value, s.source_field, i.as_of, i.source_order
FROM stated s
JOIN route_sources rs ON rs.source = s.source AND rs.source_route_id = s.source_route_id
JOIN catalog_keys k ON k.route_id = rs.route_id
JOIN source_info i ON i.source = s.source;

-- who agrees with whom on each field (each statement agrees with itself)
CREATE OR REPLACE TABLE agreeing AS
SELECT a.key_id, a.source, b.source AS other
FROM statements a JOIN statements b ON a.key_id = b.key_id AND agrees(a.kind, a.value, b.value);

-- a statement's support: the independent sources agreeing with it. A source generated from another source that
-- agrees too (for the route's provider, or for every provider) adds nothing: it is that source's word again
CREATE OR REPLACE TABLE support AS
WITH dependent AS (
    SELECT DISTINCT ag.key_id, ag.source, ag.other
    FROM agreeing ag
    JOIN statements st ON st.key_id = ag.key_id AND st.source = ag.other
    JOIN derivations d ON d.source = ag.other AND d.provider IN (st.provider, '*')
    JOIN agreeing origin ON origin.key_id = ag.key_id AND origin.source = ag.source
        AND origin.other = d.generated_from
)
SELECT ag.key_id, ag.source, count(*) FILTER (WHERE dep.other IS NULL) AS support
FROM agreeing ag LEFT JOIN dependent dep USING (key_id, source, other)
GROUP BY ag.key_id, ag.source;
