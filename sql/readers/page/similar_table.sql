-- The similar-models table of each route of a batch as the site's page shows it: one row per route that any of
-- $lenses lists (rank 1 to $shown), with its rank and whole-percent score on each lens in the order of $lenses ('-'
-- where that lens does not list it), the reasons of the first lens that lists it, and its rank and score on the first
-- lens (NULL: only another lens lists it). Ordered as the page shows them: the first lens's order, then the rest by
-- their best rank. What a row shows of the route it lists comes from route_cells. {variants} as in similar_models.sql.
WITH listed AS (
    SELECT route_id, other_route_id, {variants} AS variants, lens, rank, score, reasons,
           list_position($lenses, lens) AS lens_position
    FROM similar_models
    WHERE route_id IN (SELECT unnest($routes)) AND list_contains($lenses, lens) AND rank BETWEEN 1 AND $shown
),
on_lenses AS (
    -- one sorted list of structs, not a map nor a list per column each sorted in the aggregate: DuckDB builds it
    -- faster
    SELECT route_id, other_route_id, any_value(variants) AS variants,
           list_sort(list({'position': lens_position, 'rank': rank, 'score': score})) AS listed_on,
           arg_min(reasons, lens_position) AS reasons, min(rank) AS best_rank
    FROM listed
    GROUP BY route_id, other_route_id
),
by_route AS (
    SELECT route_id, other_route_id, variants, [x.position FOR x IN listed_on] AS positions,
           [x.rank FOR x IN listed_on] AS ranks, [x.score FOR x IN listed_on] AS scores, reasons, best_rank
    FROM on_lenses
)
SELECT route_id, other_route_id, variants,
       array_to_string([coalesce(ranks[list_position(positions, i)]::VARCHAR, '-')
                        FOR i IN range(1, len($lenses) + 1)], ' ') AS rank_attr,
       -- round_even: the page's other percentages are Python's, which round a tie to even
       array_to_string([coalesce(round_even(scores[list_position(positions, i)] * 100, 0)::INTEGER::VARCHAR, '-')
                        FOR i IN range(1, len($lenses) + 1)], ' ') AS score_attr,
       CASE WHEN positions[1] = 1 THEN ranks[1] END AS first_rank,
       CASE WHEN positions[1] = 1 THEN scores[1] END AS first_score,
       array_to_string(reasons, ', ') AS reasons
FROM by_route
-- rows only other lenses list: by their best rank, then in the order the lenses list them
ORDER BY route_id, first_rank NULLS LAST, best_rank, positions[1], ranks[1], other_route_id
