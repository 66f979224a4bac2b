-- The comparable pairs among `pair_list` (ref, other), with their five component scores and six lens keys.
-- Comparable: same block, not the same route, not the same base model (those are alternatives, not similar models),
-- and the other route a candidate (route_features.sql: not a duplicate or alias key, nothing of the user's own needed,
-- the cheapest of its variants). all_pairs.sql defines `pair_list` (every pair in a block); pairs outside the rules
-- are dropped here. The every-pair form that the kernel's lists must equal (reference_lists.sql).
-- Relations: pair_list, route_features.
CREATE OR REPLACE VIEW scored_pairs AS
SELECT ref, other, other_model, cost, modality, capabilities, context, quality,
       rank_key(overall, other) AS overall_key,
       rank_key(lens_score(cost, overall), other) AS cost_key,
       rank_key(lens_score(modality, overall), other) AS modality_key,
       rank_key(lens_score(capabilities, overall), other) AS capabilities_key,
       rank_key(lens_score(context, overall), other) AS context_key,
       rank_key(lens_score(quality, overall), other) AS quality_key
FROM (
    SELECT *, overall_score(cost, modality, capabilities, context, quality, has_quality_a) AS overall
    FROM (
        SELECT p.ref, p.other, b.model_id AS other_model,
               a.has_quality AS has_quality_a,
               cost_score(a.log_price, a.has_price, b.log_price, b.has_price) AS cost,
               modality_score(a.io_mask, a.inv_n_io, b.io_mask, b.io_absent) AS modality,
               capability_score(a.cap_true, a.cap_false, a.cap_weight, b.cap_true, b.cap_false) AS capabilities,
               context_score(a.log_context, a.has_context, b.log_context, b.has_context,
                             a.log_output, a.has_output, b.log_output, b.has_output) AS context,
               quality_score(a.q1, a.h1, a.q2, a.h2, a.q3, a.h3, b.q1, b.h1, b.q2, b.h2, b.q3, b.h3) AS quality
        FROM pair_list p
        JOIN route_features a ON a.idx = p.ref
        JOIN route_features b ON b.idx = p.other
        WHERE a.block_id = b.block_id AND a.idx <> b.idx AND a.base_model <> b.base_model
          AND a.block IS NOT NULL AND b.candidate
    )
);
