-- alternatives as GX checks it: one row per route's list, as for similar_models (similar_models.sql here):
-- (route, rank) and (route, other) unique, no null, ranks from 1, prices and ratios not negative, every other
-- route a catalog route.
-- Relations: alternatives (the table checked), route_ids (route_id: the catalog's routes).
SELECT a.route_id,
       CASE WHEN list_unique(list(a.rank)) < count(*) THEN a.route_id END AS repeated_rank_in,
       CASE WHEN list_unique(list(a.other_route_id)) < count(*) THEN a.route_id END AS repeated_other_in,
       CASE WHEN bool_or(a.rank IS NULL OR a.other_route_id IS NULL OR a.other_provider IS NULL
                         OR a.price_basis IS NULL) THEN a.route_id END AS null_value_in,
       min(a.rank) AS first_rank,
       least(min(a.other_unit_price), min(a.price_ratio)) AS lowest_price,
       min(a.other_route_id) FILTER (WHERE a.other_route_id IS NOT NULL AND k.route_id IS NULL)
           AS unknown_other_route_id
FROM alternatives a
LEFT JOIN route_ids k ON k.route_id = a.other_route_id
GROUP BY a.route_id
