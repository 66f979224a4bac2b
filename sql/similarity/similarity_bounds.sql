-- Pass 1: for each route, its K best candidates of each lens among a sample, as a bound: the K-th best of a sample
-- is never better than the K-th best of all candidates, so the full pass may drop every pair below it on every lens
-- and still return the exact top K. The sample: the candidates nearest in price and nearest in context window in
-- the route's block, the nearest in price that share its profile (modality and capability masks), and the nearest
-- on the first quality scale (quality.sql) in the block.
-- Variables: k (list length), sample_band (candidates on each side in each order).
-- Relations: route_features; defines pair_list for scored_pairs.
-- the profile: routes alike in modality and capability masks, known price and window, and a quality figure
UPDATE route_features f SET pid = p.pid
FROM (SELECT idx, dense_rank() OVER (ORDER BY block_id, io_mask, io_absent, cap_true, cap_false, has_price, has_context,
                                              has_quality)::INTEGER AS pid
      FROM route_features) p
WHERE f.idx = p.idx;

-- Routes alike in everything a reference brings to a pair (profile, base model, price, window, output cap) have the
-- same lists (a pair's keys depend on nothing else, and each excludes the other's base model alike): the first of
-- them, `rep`, stands for all in the passes below, and expand_lists.sql copies its lists to the others.
UPDATE route_features f SET rep = c.rep
FROM (SELECT idx, min(idx) OVER (PARTITION BY pid, model_id, log_price, has_price, log_context, has_context,
                                              log_output, has_output) AS rep
      FROM route_features) c
WHERE f.idx = c.idx;

-- Positions in each sample order, among the candidates and the references only (a variant that is neither would
-- take a place in the sample and never be scored).
UPDATE route_features f
SET price_pos = ranked.price_pos, context_pos = ranked.context_pos, pid_pos = ranked.pid_pos,
    quality_pos = ranked.quality_pos
FROM (SELECT idx,
             row_number() OVER (PARTITION BY block_id ORDER BY has_price DESC, log_price, idx)::INTEGER AS price_pos,
             row_number() OVER (PARTITION BY block_id ORDER BY has_context DESC, log_context, idx)::INTEGER AS context_pos,
             row_number() OVER (PARTITION BY pid ORDER BY log_price, idx)::INTEGER AS pid_pos,
             row_number() OVER (PARTITION BY block_id ORDER BY h1 DESC, q1, idx)::INTEGER AS quality_pos
      FROM route_features WHERE candidate OR idx = rep) ranked
WHERE f.idx = ranked.idx;

-- The sample as equi-joins on (block, position): each route meets 2 x sample_band neighbours per order, never the
-- whole block. UNION, not UNION ALL: a pair near in several orders counts once.
CREATE OR REPLACE VIEW pair_list AS
WITH offsets AS (SELECT unnest(range(-getvariable('sample_band'), getvariable('sample_band') + 1)) AS offset_)
SELECT a.idx AS ref, b.idx AS other
FROM route_features a CROSS JOIN offsets JOIN route_features b ON b.block_id = a.block_id AND b.price_pos = a.price_pos + offset_
WHERE a.block IS NOT NULL AND a.idx = a.rep
UNION
SELECT a.idx, b.idx
FROM route_features a CROSS JOIN offsets JOIN route_features b ON b.block_id = a.block_id AND b.context_pos = a.context_pos + offset_
WHERE a.block IS NOT NULL AND a.idx = a.rep
UNION
SELECT a.idx, b.idx
FROM route_features a CROSS JOIN offsets JOIN route_features b ON b.pid = a.pid AND b.pid_pos = a.pid_pos + offset_
WHERE a.block IS NOT NULL AND a.idx = a.rep
UNION
SELECT a.idx, b.idx
FROM route_features a CROSS JOIN offsets
JOIN route_features b ON b.block_id = a.block_id AND b.quality_pos = a.quality_pos + offset_
WHERE a.block IS NOT NULL AND a.idx = a.rep AND a.h1 = 1;

-- each lens's K-th best key of the sample, one key per other base model (as the lists)
CREATE OR REPLACE TEMP TABLE sampled_bounds AS
WITH per_model AS (
    SELECT ref, max(overall_key) AS overall, max(cost_key) AS cost, max(modality_key) AS modality,
           max(capabilities_key) AS capabilities, max(context_key) AS context, max(quality_key) AS quality
    FROM scored_pairs
    GROUP BY ref, other_model
)
SELECT ref, kth_key(max(overall, getvariable('k'))) AS overall_bound, kth_key(max(cost, getvariable('k'))) AS cost_bound,
       kth_key(max(modality, getvariable('k'))) AS modality_bound,
       kth_key(max(capabilities, getvariable('k'))) AS capabilities_bound,
       kth_key(max(context, getvariable('k'))) AS context_bound, kth_key(max(quality, getvariable('k'))) AS quality_bound
FROM per_model
GROUP BY ref;

UPDATE route_features f SET
    overall_bound = s.overall_bound, cost_bound = s.cost_bound, modality_bound = s.modality_bound,
    capabilities_bound = s.capabilities_bound, context_bound = s.context_bound, quality_bound = s.quality_bound,
    overall_score_bound = bound_score(s.overall_bound), cost_score_bound = bound_score(s.cost_bound),
    modality_score_bound = bound_score(s.modality_bound),
    capabilities_score_bound = bound_score(s.capabilities_bound), context_score_bound = bound_score(s.context_bound),
    quality_score_bound = bound_score(s.quality_bound)
FROM sampled_bounds s
WHERE f.idx = s.ref;
