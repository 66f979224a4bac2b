-- The plain form of similar_lists.sql: score every comparable pair, rank with a window function, keep the top K.
-- Not used by the sync: it is what the pruned form must equal (tests) and what it is measured against (benchmarks).
-- Variables: k. Relations: comparable_pairs.
SELECT ref, lens, key FROM (
    SELECT ref, lens, key, row_number() OVER (PARTITION BY ref, lens ORDER BY key DESC) AS rank
    FROM (
        SELECT ref,
               unnest(['overall', 'cost', 'modality', 'capabilities', 'context']) AS lens,
               unnest([rank_key(overall, other), rank_key(lens_score(cost, overall), other),
                       rank_key(lens_score(modality, overall), other),
                       rank_key(lens_score(capabilities, overall), other),
                       rank_key(lens_score(context, overall), other)]) AS key
        FROM comparable_pairs
    )
) WHERE rank <= getvariable('k')
