-- Pass 2: every comparable pair inside the route's price window, kept if it beats the route's bound on some lens,
-- then a streaming top-K per route and lens (max(key, k) keeps a heap of k keys, no sort of all pairs).
-- Variables: k. Relations: comparable_pairs.
CREATE OR REPLACE TEMP TABLE similar_lists AS
SELECT ref,
       max(overall_key, getvariable('k')) FILTER (WHERE overall_key >= overall_bound) AS overall,
       max(cost_key, getvariable('k')) FILTER (WHERE cost_key >= cost_bound) AS cost,
       max(modality_key, getvariable('k')) FILTER (WHERE modality_key >= modality_bound) AS modality,
       max(capabilities_key, getvariable('k')) FILTER (WHERE capabilities_key >= capabilities_bound) AS capabilities,
       max(context_key, getvariable('k')) FILTER (WHERE context_key >= context_bound) AS context
FROM (
    SELECT ref, overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound,
           rank_key(overall, other) AS overall_key,
           rank_key(lens_score(cost, overall), other) AS cost_key,
           rank_key(lens_score(modality, overall), other) AS modality_key,
           rank_key(lens_score(capabilities, overall), other) AS capabilities_key,
           rank_key(lens_score(context, overall), other) AS context_key
    FROM comparable_pairs
    WHERE (price_window IS NULL
           OR (other_has_price = 1 AND price_gap <= price_window)
           OR (other_has_price = 0 AND unpriced_ok))
      -- an unknown window scores 0.5 on context, so the context window applies only when it asks for more than 0.5
      AND (context_window_gap IS NULL OR (other_has_context = 1 AND context_gap <= context_window_gap))
)
WHERE overall_key >= overall_bound OR cost_key >= cost_bound OR modality_key >= modality_bound
   OR capabilities_key >= capabilities_bound OR context_key >= context_bound
GROUP BY ref;
