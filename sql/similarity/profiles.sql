-- Candidate profiles (routes with the same modality and capability masks and the same known price and window,
-- `pid`), the candidates in join order, and every pair of profiles of a block with its modality and capability
-- scores and the best score each lens can reach with it. Run once, before the chunks of similar_lists.sql.
-- Relations: route_features (after similarity_bounds.sql).
-- A reference's profile may have no candidate (every route of it a variant or a fine-tune): profiles are every
-- route's, `offered` says whether a candidate has it.
CREATE OR REPLACE TEMP TABLE profiles AS
SELECT pid, any_value(block_id) AS block_id, any_value(io_mask) AS io_mask, any_value(io_absent) AS io_absent,
       any_value(inv_n_io) AS inv_n_io, any_value(cap_true) AS cap_true, any_value(cap_false) AS cap_false,
       any_value(cap_weight) AS cap_weight, any_value(has_price) AS has_price, any_value(has_context) AS has_context,
       any_value(has_quality) AS has_quality, bool_or(candidate) AS offered
FROM route_features WHERE block IS NOT NULL
GROUP BY pid;

-- the candidates, with only what a pair needs, in join order
CREATE OR REPLACE TEMP TABLE candidates AS
SELECT idx, pid, model_id, log_price, has_price, log_context, has_context, log_output, has_output,
       q1, h1, q2, h2, q3, h3
FROM route_features WHERE block IS NOT NULL AND candidate
ORDER BY pid;

-- Profile pairs with their modality and capability scores and the best score each lens can reach with a candidate
-- of profile pb (cost and window part at their best: 1 when known on both sides, 0.5 when not; the output part 1;
-- quality 1 when both have a figure, else 0.5), from the macros of scoring.sql.
CREATE OR REPLACE TEMP TABLE profile_pairs AS
SELECT *,
       overall_score(c, m, k, x, q, qa) AS reach_overall,
       lens_score(c, overall_score(c, m, k, x, q, qa)) AS reach_cost,
       lens_score(m, overall_score(c, m, k, x, q, qa)) AS reach_modality,
       lens_score(k, overall_score(c, m, k, x, q, qa)) AS reach_capabilities,
       lens_score(x, overall_score(c, m, k, x, q, qa)) AS reach_context,
       lens_score(q, overall_score(c, m, k, x, q, qa)) AS reach_quality
FROM (
    SELECT pa.pid AS pa, pb.pid AS pb, pa.has_price * pb.has_price AS priced,
           pa.has_context * pb.has_context AS windowed,
           0.5 + 0.5 * pa.has_price * pb.has_price AS c, 0.75 + 0.25 * pa.has_context * pb.has_context AS x,
           0.5 + 0.5 * pa.has_quality * pb.has_quality AS q, pa.has_quality AS qa,
           modality_score(pa.io_mask, pa.inv_n_io, pb.io_mask, pb.io_absent) AS m,
           capability_score(pa.cap_true, pa.cap_false, pa.cap_weight, pb.cap_true, pb.cap_false) AS k
    FROM profiles pa JOIN profiles pb ON pb.block_id = pa.block_id AND pb.offered
);

-- the lists of each class's representative (similar_lists.sql), copied to the class by expand_lists.sql
CREATE OR REPLACE TEMP TABLE class_lists (ref INTEGER, overall BIGINT[], cost BIGINT[], modality BIGINT[],
                                             capabilities BIGINT[], context BIGINT[], quality BIGINT[]);
