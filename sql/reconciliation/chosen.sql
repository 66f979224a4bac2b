-- standing: 1 the provider's own machine-readable statement (the source's authority lists the route's provider),
-- 2 a source generated from such a statement (for this provider or every provider), 3 any other source
CREATE OR REPLACE TABLE second_in_line AS
SELECT DISTINCT d.source, unnest(origin.authority) AS provider, d.provider AS for_provider
FROM derivations d JOIN source_info origin ON origin.source = d.generated_from;

CREATE OR REPLACE TABLE ranked AS
SELECT s.*, sp.support, f.flag,
       CASE WHEN list_contains(i.authority, s.provider) THEN 1
            WHEN EXISTS (SELECT 1 FROM second_in_line l
                         WHERE l.source = s.source AND l.provider = s.provider
                           AND l.for_provider IN (s.provider, '*')) THEN 2
            ELSE 3 END AS standing
FROM statements s
JOIN support sp USING (key_id, source)
JOIN source_info i USING (source)
LEFT JOIN flags f USING (key_id, source);

-- per field key: the statement the catalog believes (flagged statements only when nothing else is stated), who
-- states the field, who agrees with the chosen value, and the rule that decided
CREATE OR REPLACE TABLE chosen AS
WITH best AS (
    SELECT * FROM ranked
    QUALIFY row_number() OVER (
        PARTITION BY key_id ORDER BY flag IS NOT NULL, standing, support DESC, as_of DESC, source_order) = 1
), unguarded AS (  -- what would have won had the failure classes not been set aside
    SELECT key_id, flag FROM ranked
    QUALIFY row_number() OVER (PARTITION BY key_id ORDER BY standing, support DESC, as_of DESC, source_order) = 1
), rivals AS (  -- the strongest unflagged statement that disagrees with the chosen one
    SELECT r.key_id, max(r.support) AS support, max(r.as_of) FILTER (WHERE r.support = b.support) AS as_of
    FROM ranked r JOIN best b USING (key_id)
    WHERE r.flag IS NULL AND NOT agrees(r.kind, r.value, b.value)
    GROUP BY r.key_id
), fields AS (
    SELECT r.key_id,
           list(r.source ORDER BY r.source_order) AS sources_stating,
           coalesce(list(r.source ORDER BY r.source_order) FILTER (WHERE agrees(r.kind, r.value, b.value)),
                    []) AS sources_agreeing,
           list({'source': r.source, 'source_route_id': r.source_route_id, 'value': r.value, 'as_of': r.as_of,
                 'flag': r.flag} ORDER BY r.source_order) AS statements
    FROM ranked r JOIN best b USING (key_id)
    GROUP BY r.key_id
)
SELECT b.key_id, b.kind, b.route_id, b.price_kind, b.tier, b.condition, b.unit, b.field, b.value, b.source,
       b.source_field, f.sources_stating, f.sources_agreeing, f.statements,
       CASE WHEN u.flag IS NOT NULL AND b.flag IS NULL THEN u.flag
            WHEN b.standing = 1 THEN 'authority'
            WHEN b.standing = 2 THEN 'generated_from_authority'
            WHEN len(f.sources_stating) = 1 THEN 'single_source'
            WHEN rv.key_id IS NULL OR b.support > rv.support THEN 'agreement'
            WHEN b.as_of > rv.as_of THEN 'recency'
            ELSE 'source_order' END AS rule
FROM best b JOIN fields f USING (key_id) JOIN unguarded u USING (key_id) LEFT JOIN rivals rv USING (key_id);
