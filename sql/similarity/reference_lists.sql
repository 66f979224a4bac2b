-- The plain SQL form of the top-K kernel (llm_catalog/similarity/topk.py): score every comparable pair, keep each
-- lens's best pair of each other base model, rank with a window function, keep the top K.
-- Not used by the sync: it is what the kernel's lists must equal (tests) and what it is measured against (benchmarks).
-- Variables: k. Relations: scored_pairs over the pair_list of all_pairs.sql.
SELECT ref, lens, key FROM (
    SELECT ref, lens, key, row_number() OVER (PARTITION BY ref, lens ORDER BY key DESC) AS rank
    FROM (
        SELECT *, row_number() OVER (PARTITION BY ref, lens, other_model ORDER BY key DESC) AS nth
        FROM (
            SELECT ref, other_model,
                   unnest(['overall', 'cost', 'modality', 'capabilities', 'context', 'quality']) AS lens,
                   unnest([overall_key, cost_key, modality_key, capabilities_key, context_key, quality_key]) AS key
            FROM scored_pairs
        )
    )
    WHERE nth = 1
) WHERE rank <= getvariable('k')
