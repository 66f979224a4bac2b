-- Pass 1: for each route, its K best candidates of each lens among a sample (the candidates nearest in price and
-- the candidates nearest in context window), and from them the price and context windows outside which no
-- candidate can enter any of its lists.
-- The K-th best of a sample is never better than the K-th best of all candidates, so the full pass may drop every
-- pair below it on every lens and still return the exact top K.
-- Variables: k (list length), sample_band (candidates on each side in price order).
UPDATE route_features f SET price_pos = ranked.price_pos, context_pos = ranked.context_pos
FROM (SELECT idx,
             row_number() OVER (PARTITION BY block_id ORDER BY has_price DESC, log_price, idx)::INTEGER AS price_pos,
             row_number() OVER (PARTITION BY block_id ORDER BY has_context DESC, log_context, idx)::INTEGER AS context_pos
      FROM route_features) ranked
WHERE f.idx = ranked.idx;

CREATE OR REPLACE TEMP TABLE sampled_bounds AS
SELECT ref,
       CASE WHEN count(*) >= getvariable('k') THEN list_min(max(rank_key(overall, other), getvariable('k'))) ELSE -1 END AS overall_bound,
       CASE WHEN count(*) >= getvariable('k') THEN list_min(max(rank_key(lens_score(cost, overall), other), getvariable('k'))) ELSE -1 END AS cost_bound,
       CASE WHEN count(*) >= getvariable('k') THEN list_min(max(rank_key(lens_score(modality, overall), other), getvariable('k'))) ELSE -1 END AS modality_bound,
       CASE WHEN count(*) >= getvariable('k') THEN list_min(max(rank_key(lens_score(capabilities, overall), other), getvariable('k'))) ELSE -1 END AS capabilities_bound,
       CASE WHEN count(*) >= getvariable('k') THEN list_min(max(rank_key(lens_score(context, overall), other), getvariable('k'))) ELSE -1 END AS context_bound
FROM comparable_pairs
WHERE price_pos_gap <= getvariable('sample_band') OR context_pos_gap <= getvariable('sample_band')
GROUP BY ref;

CREATE OR REPLACE TEMP TABLE sampled_windows AS
SELECT *,
       -- the least cost score any lens still needs (1e-6 covers the rounding in rank_key); -inf without a bound
       CASE WHEN least(overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound) < 0 THEN -1e9
            ELSE least(cost_needed(key_score(overall_bound) - 1e-6, 'overall'),
                       cost_needed(key_score(cost_bound) - 1e-6, 'cost'),
                       cost_needed(key_score(modality_bound) - 1e-6, 'modality'),
                       cost_needed(key_score(capabilities_bound) - 1e-6, 'capabilities'),
                       cost_needed(key_score(context_bound) - 1e-6, 'context')) END AS cost_min,
       CASE WHEN least(overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound) < 0 THEN -1e9
            ELSE least(context_needed(key_score(overall_bound) - 1e-6, 'overall'),
                       context_needed(key_score(cost_bound) - 1e-6, 'cost'),
                       context_needed(key_score(modality_bound) - 1e-6, 'modality'),
                       context_needed(key_score(capabilities_bound) - 1e-6, 'capabilities'),
                       context_needed(key_score(context_bound) - 1e-6, 'context')) END AS context_min
FROM sampled_bounds;

UPDATE route_features f SET
    overall_bound = s.overall_bound, cost_bound = s.cost_bound, modality_bound = s.modality_bound,
    capabilities_bound = s.capabilities_bound, context_bound = s.context_bound,
    -- cost >= cost_min means a price gap of at most cost_span (1 - cost_min) decades; no limit when cost_min <= 0
    price_window = CASE WHEN f.has_price = 1 AND s.cost_min > 0 THEN cost_span() * (1.0 - s.cost_min) END,
    unpriced_ok = f.has_price = 0 OR s.cost_min <= 0.5,  -- an unpriced candidate scores 0.5 on cost
    -- the same for context: x >= context_min means a gap of at most context_span (1 - context_min) doublings
    context_window_gap = CASE WHEN f.has_context = 1 AND s.context_min > 0.5
                              THEN context_span() * (1.0 - s.context_min) END
FROM sampled_windows s
WHERE f.idx = s.ref;
