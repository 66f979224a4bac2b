-- Every price statement that does not agree with the value the catalog chose: the source's value beside the chosen
-- one, whose value was chosen and by which rule; ranked per source by how far off it is (rank 1: the farthest).
-- Relations: price_disagreements, prices (who agrees with each chosen value), routes.
WITH statements AS (
    SELECT route_id, price_kind, tier, condition, unit, usd AS chosen_usd, source AS chosen_source, rule,
           unnest(statements) AS statement
    FROM price_disagreements
),
disagreeing AS (
    SELECT s.statement.source AS source, s.route_id, s.statement.source_route_id AS source_route_id, r.provider,
           s.price_kind, s.tier, s.condition, s.unit, s.statement.usd AS usd, s.chosen_usd, s.chosen_source, s.rule,
           s.statement.flag AS flag,
           abs(s.statement.usd - s.chosen_usd) / greatest(s.statement.usd, s.chosen_usd, 1e-12) AS gap
    FROM statements s
    JOIN prices p
      ON p.route_id = s.route_id AND p.price_kind = s.price_kind AND p.tier = s.tier
     AND p.condition IS NOT DISTINCT FROM s.condition AND p.unit = s.unit
    LEFT JOIN routes r ON r.route_id = s.route_id
    WHERE NOT list_contains(p.sources_agreeing, s.statement.source)
)
SELECT *, row_number() OVER (
           PARTITION BY source ORDER BY gap DESC, route_id, price_kind, tier, condition, unit
       ) AS rank
FROM disagreeing
ORDER BY source, rank
