-- Pass 2: the exact top K per route and lens. The modality and capability scores depend only on the two routes'
-- profiles (profiles.sql), so a candidate profile whose best (cost and context at their best) cannot reach any of
-- the reference's bounds is skipped whole, in the join; every candidate of the other profiles is scored (cost and
-- context per pair, m and k from the profile pair), pairs below every bound are dropped on their scores, and a
-- streaming top-K keeps the lists (max(key, k) keeps a heap of k keys, no sort of all pairs).
-- Runs once per chunk of references (idx in [ref_from, ref_to)), so that one chunk's pairs are in flight at a
-- time; the lists of the chunk's class representatives (similarity_bounds.sql) are appended to class_lists.
-- Variables: k, ref_from, ref_to. Relations: route_features and the tables of profiles.sql.
INSERT INTO class_lists
WITH refs AS (
    SELECT idx AS ref, pid AS pa, model_id, log_price, has_price, log_context, has_context, log_output, has_output,
           q1, h1, q2, h2, q3, h3, has_quality,
           overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound, quality_bound,
           overall_score_bound, cost_score_bound, modality_score_bound, capabilities_score_bound, context_score_bound,
           quality_score_bound
    FROM route_features
    WHERE block IS NOT NULL AND idx = rep AND idx >= getvariable('ref_from') AND idx < getvariable('ref_to')
),
scored AS (
    SELECT *, overall_score(cost, m, k, context, quality, has_quality) AS overall
    FROM (SELECT a.*, b.idx AS other, b.model_id AS other_model, pp.m, pp.k,
                 quality_score(a.q1, a.h1, a.q2, a.h2, a.q3, a.h3, b.q1, b.h1, b.q2, b.h2, b.q3, b.h3) AS quality,
                 cost_score(a.log_price, a.has_price, b.log_price, b.has_price) AS cost,
                 context_score(a.log_context, a.has_context, b.log_context, b.has_context,
                               a.log_output, a.has_output, b.log_output, b.has_output) AS context
          FROM refs a
          JOIN profile_pairs pp ON pp.pa = a.pa
               AND (pp.reach_overall >= a.overall_score_bound OR pp.reach_cost >= a.cost_score_bound
                    OR pp.reach_modality >= a.modality_score_bound
                    OR pp.reach_capabilities >= a.capabilities_score_bound
                    OR pp.reach_context >= a.context_score_bound OR pp.reach_quality >= a.quality_score_bound)
          JOIN candidates b ON b.pid = pp.pb
          WHERE a.ref <> b.idx AND a.model_id <> b.model_id)
),
kept AS (
    -- the bounds as scores carry rank_key's rounding as slack: no pair that reaches a bound key is dropped here
    SELECT ref, other_model, overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound,
           quality_bound,
           rank_key(overall, other) AS overall_key,
           rank_key(lens_score(cost, overall), other) AS cost_key,
           rank_key(lens_score(m, overall), other) AS modality_key,
           rank_key(lens_score(k, overall), other) AS capabilities_key,
           rank_key(lens_score(context, overall), other) AS context_key,
           rank_key(lens_score(quality, overall), other) AS quality_key
    FROM scored
    WHERE overall >= overall_score_bound OR lens_score(cost, overall) >= cost_score_bound
       OR lens_score(m, overall) >= modality_score_bound OR lens_score(k, overall) >= capabilities_score_bound
       OR lens_score(context, overall) >= context_score_bound OR lens_score(quality, overall) >= quality_score_bound
),
-- one key per other base model and lens (its best provider for the reference), then the streaming top K
per_model AS (
    SELECT ref,
           max(overall_key) FILTER (WHERE overall_key >= overall_bound) AS overall,
           max(cost_key) FILTER (WHERE cost_key >= cost_bound) AS cost,
           max(modality_key) FILTER (WHERE modality_key >= modality_bound) AS modality,
           max(capabilities_key) FILTER (WHERE capabilities_key >= capabilities_bound) AS capabilities,
           max(context_key) FILTER (WHERE context_key >= context_bound) AS context,
           max(quality_key) FILTER (WHERE quality_key >= quality_bound) AS quality
    FROM kept
    GROUP BY ref, other_model
)
SELECT ref, max(overall, getvariable('k')) AS overall, max(cost, getvariable('k')) AS cost,
       max(modality, getvariable('k')) AS modality, max(capabilities, getvariable('k')) AS capabilities,
       max(context, getvariable('k')) AS context, max(quality, getvariable('k')) AS quality
FROM per_model
GROUP BY ref;
