-- Every comparable pair (reference a, candidate b) with its four component scores: same block, not the same route,
-- not the same base model (those are alternatives, not similar models), and b not a duplicate or alias key.
-- A view: each pass filters it before the scores are computed. Relations: route_features.
CREATE OR REPLACE VIEW comparable_pairs AS
SELECT ref, other, price_gap, other_has_price, price_window, unpriced_ok, context_gap, other_has_context,
       context_window_gap, overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound,
       price_pos_gap, context_pos_gap,
       cost, modality, capabilities, context, overall_score(cost, modality, capabilities, context) AS overall
FROM (
    SELECT a.idx AS ref, b.idx AS other,
           abs(a.log_price - b.log_price) AS price_gap, b.has_price AS other_has_price,
           abs(a.price_pos - b.price_pos) AS price_pos_gap,
           abs(a.log_context - b.log_context) AS context_gap, b.has_context AS other_has_context,
           abs(a.context_pos - b.context_pos) AS context_pos_gap, a.context_window_gap,
           a.price_window, a.unpriced_ok, a.overall_bound, a.cost_bound, a.modality_bound, a.capabilities_bound,
           a.context_bound,
           cost_score(a.log_price, a.has_price, b.log_price, b.has_price) AS cost,
           modality_score(a.io_mask, a.inv_n_io, b.io_mask) AS modality,
           capability_score(a.cap_true, a.no_caps, b.cap_true, b.cap_known) AS capabilities,
           context_score(a.log_context, a.has_context, b.log_context, b.has_context) AS context
    FROM route_features a
    JOIN route_features b ON a.block_id = b.block_id AND a.idx <> b.idx AND a.base_model <> b.base_model
    WHERE a.block IS NOT NULL AND b.candidate
);
