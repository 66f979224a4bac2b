-- Profiles and classes, then the modality and capability scores of every pair of profiles of a block, for the
-- top-K kernel (llm_catalog/similarity/topk.py). Relations: route_features.
-- the profile: routes alike in modality and capability masks, known price and window, and a quality figure; the
-- modality and capability scores of a pair depend on its two profiles only
UPDATE route_features f SET pid = p.pid
FROM (SELECT idx, (dense_rank() OVER (ORDER BY block_id, io_mask, io_absent, cap_true, cap_false, has_price, has_context,
                                               has_quality) - 1)::INTEGER AS pid
      FROM route_features) p
WHERE f.idx = p.idx;

-- Routes alike in everything a reference brings to a pair (profile, base model, price, window, output cap) have the
-- same lists (a pair's keys depend on nothing else, and each excludes the other's base model alike): the first of
-- them, `rep`, is the kernel's reference, and expand_lists.sql copies its lists to the others.
UPDATE route_features f SET rep = c.rep
FROM (SELECT idx, min(idx) OVER (PARTITION BY pid, model_id, log_price, has_price, log_context, has_context,
                                              log_output, has_output) AS rep
      FROM route_features) c
WHERE f.idx = c.idx;

CREATE OR REPLACE TEMP TABLE profiles AS
SELECT pid, any_value(block_id) AS block_id, any_value(io_mask) AS io_mask, any_value(io_absent) AS io_absent,
       any_value(inv_n_io) AS inv_n_io, any_value(cap_true) AS cap_true, any_value(cap_false) AS cap_false,
       any_value(cap_weight) AS cap_weight, bool_or(candidate) AS offered
FROM route_features WHERE block IS NOT NULL
GROUP BY pid;

-- (reference profile, candidate profile) of one block, with the macros of scoring.sql
CREATE OR REPLACE TEMP TABLE profile_scores AS
SELECT pa.pid AS pa, pb.pid AS pb,
       modality_score(pa.io_mask, pa.inv_n_io, pb.io_mask, pb.io_absent)::DOUBLE AS modality,
       capability_score(pa.cap_true, pa.cap_false, pa.cap_weight, pb.cap_true, pb.cap_false)::DOUBLE AS capabilities
FROM profiles pa JOIN profiles pb ON pb.block_id = pa.block_id AND pb.offered;
