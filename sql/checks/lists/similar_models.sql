-- similar_models as GX checks it: one row per list (route and lens) with what its rows must satisfy, so that its
-- suite reads 53,000 rows, not 1.3 million. Each row-level rule becomes a rule on the
-- list: (route, lens, rank) and (route, lens, other) unique, and no null value, are `repeated_rank_in`,
-- `repeated_other_in` and `null_value_in` null (else they name the list, as the example a report shows); ranks
-- from 1 is `first_rank`; scores in 0..1 are the lowest and highest of them; every other route a catalog route is
-- `unknown_other_route_id` null (else one unknown id).
-- A list's distinct values are counted by list_unique (non-null ones, as count(DISTINCT)): about half the time
-- of count(DISTINCT)'s hash table per group over 1.6M rows.
-- Relations: similar_models (the table checked), route_ids (route_id: the catalog's routes).
SELECT s.route_id, s.lens,
       CASE WHEN list_unique(list(s.rank)) < count(*) THEN concat_ws(' ', s.route_id, s.lens) END AS repeated_rank_in,
       CASE WHEN list_unique(list(s.other_route_id)) < count(*) THEN concat_ws(' ', s.route_id, s.lens) END
           AS repeated_other_in,
       CASE WHEN bool_or(s.rank IS NULL OR s.other_route_id IS NULL OR s.score IS NULL OR s.cost_score IS NULL
                         OR s.modality_score IS NULL OR s.capability_score IS NULL OR s.context_score IS NULL
                         OR s.quality_score IS NULL)
            THEN concat_ws(' ', s.route_id, s.lens) END AS null_value_in,
       min(s.rank) AS first_rank,
       least(min(s.score), min(s.cost_score), min(s.modality_score), min(s.capability_score),
             min(s.context_score), min(s.quality_score)) AS lowest_score,
       greatest(max(s.score), max(s.cost_score), max(s.modality_score), max(s.capability_score),
                max(s.context_score), max(s.quality_score)) AS highest_score,
       min(s.other_route_id) FILTER (WHERE s.other_route_id IS NOT NULL AND k.route_id IS NULL)
           AS unknown_other_route_id
FROM similar_models s
LEFT JOIN route_ids k ON k.route_id = s.other_route_id
GROUP BY s.route_id, s.lens
