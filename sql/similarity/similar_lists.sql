-- Pass 2: the exact top K per route and lens. For each route and each candidate profile (routes with the same
-- modality and capability masks and the same known price and window, `pid`), the modality and capability scores
-- are known, so the bounds of pass 1 say what price gap (for the overall, cost, modality and capabilities lenses)
-- and what window gap (for the context lens) a candidate of that profile may have and still enter a list:
--   skip  no candidate of the profile can reach any of the bounds (no row);
--   band  only candidates within the gap can: an equi-join on price (or window) buckets, never the whole block;
--   scan  any candidate of the profile may: the whole profile.
-- A band over a small profile is a scan of the profile with the gap as a filter (cheaper than its buckets).
-- Each pair is scored once per lens group, with m and k taken from its profile pair (only cost and context are
-- computed per pair); a streaming top-K keeps the lists (max(key, k) keeps a heap of k keys, no sort of all pairs).
-- Runs once per chunk of references (idx in [ref_from, ref_to)), so that the pair windows of one chunk at a time
-- are held in memory; the chunk's lists are appended to similar_lists.
-- Variables: k, ref_from, ref_to. Relations: route_features and the tables of profiles.sql.
CREATE OR REPLACE TEMP TABLE route_profile_windows AS
WITH needs AS (
    SELECT ref, model_id, pb, n, log_price, has_price, log_context, has_context, log_output, has_output,
           overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound, m, k, priced, windowed,
           price_lens_cost(o, c, md, cp, m, k) AS price_lens_cost,
           price_lens_window(o, c, md, cp, m, k) AS price_lens_window,
           cost_needed(cx, 'context', m, k) AS context_lens_cost,
           2 * context_needed(cx, 'context', m, k) - 1 AS context_lens_window
    FROM (SELECT a.idx AS ref, a.model_id, pp.pb, pp.n, a.log_price, a.has_price, a.log_context, a.has_context,
                 a.log_output, a.has_output, a.overall_bound, a.cost_bound, a.modality_bound, a.capabilities_bound,
                 a.context_bound, pp.m, pp.k, pp.priced, pp.windowed,
                 a.overall_score_bound AS o, a.cost_score_bound AS c, a.modality_score_bound AS md,
                 a.capabilities_score_bound AS cp, a.context_score_bound AS cx
          FROM route_features a
          -- only the profiles whose best can reach one of the reference's bounds (a cheap test in the join)
          JOIN profile_pairs pp ON pp.pa = a.pid
               AND (pp.reach_overall >= a.overall_score_bound OR pp.reach_cost >= a.cost_score_bound
                    OR pp.reach_modality >= a.modality_score_bound
                    OR pp.reach_capabilities >= a.capabilities_score_bound
                    OR pp.reach_context >= a.context_score_bound)
          WHERE a.block IS NOT NULL AND a.idx >= getvariable('ref_from') AND a.idx < getvariable('ref_to'))
),
groups AS (
    SELECT * EXCLUDE (price_lens_cost, price_lens_window, context_lens_cost, context_lens_window),
           unnest([{'lens_group': 'price', 'cost_min': price_lens_cost, 'window_min': price_lens_window},
                   {'lens_group': 'context', 'cost_min': context_lens_cost, 'window_min': context_lens_window}],
                  recursive := true)
    FROM needs
)
-- A candidate can reach a bound only with a cost component of cost_min or more and a window part of window_min or
-- more; an unknown price or window (either side) scores 0.5 for every candidate of the profile. The narrower
-- dimension bands the join: price when it asks for anything (prices spread over decades), else the window.
SELECT * EXCLUDE (cost_min, window_min),
       CASE WHEN priced = 1 AND cost_min > 0 THEN 'price'
            WHEN windowed = 1 AND window_min > 0 THEN 'window'
            ELSE 'scan' END AS band,
       cost_span() * (1 - cost_min) AS price_gap,
       context_span() * (1 - window_min) AS window_gap,
       -- a small profile is cheaper to scan with a gap filter than to enumerate the buckets of its band
       n > 4 * CASE WHEN priced = 1 AND cost_min > 0 THEN 2 * cost_span() * (1 - cost_min) / 0.1
                    ELSE 2 * context_span() * (1 - window_min) / 0.25 END AS use_buckets
FROM groups
WHERE reachable(cost_min, window_min, priced, windowed);

-- The pairs to score, once per lens group: the price lenses (overall, cost, modality, capabilities) and the context
-- lens have different bounds, so different bands.
CREATE OR REPLACE VIEW window_pairs AS
WITH windows AS (
    SELECT lens_group, ref, model_id, pb, band, use_buckets, priced, windowed,
           -- each gap is a necessary condition whichever dimension bands the join: the other filters the pairs
           CASE WHEN priced = 1 AND price_gap < cost_span() THEN price_gap END AS price_filter,
           CASE WHEN windowed = 1 AND window_gap < context_span() THEN window_gap END AS window_filter,
           price_gap, window_gap, m, k, log_price, has_price, log_context,
           has_context, log_output, has_output,
           overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound,
           -- the bounds as scores (with rank_key's rounding as slack), to drop most pairs before their keys exist
           bound_score(overall_bound) AS o, bound_score(cost_bound) AS c, bound_score(modality_bound) AS md,
           bound_score(capabilities_bound) AS cp, bound_score(context_bound) AS cx
    FROM route_profile_windows
),
bands AS (
    SELECT w.*, b.idx AS other, b.model_id AS other_model_id,
           b.log_price AS other_log_price, b.has_price AS other_has_price, b.log_context AS other_log_context,
           b.has_context AS other_has_context, b.log_output AS other_log_output, b.has_output AS other_has_output
    FROM (SELECT *, unnest(range(floor((log_price - price_gap) / 0.1)::INTEGER,
                                 floor((log_price + price_gap) / 0.1)::INTEGER + 1)) AS bucket
          FROM windows WHERE band = 'price' AND use_buckets) w
    JOIN candidates b ON b.pid = w.pb AND b.price_bucket = w.bucket
    UNION ALL BY NAME
    SELECT w.*, b.idx AS other, b.model_id AS other_model_id,
           b.log_price AS other_log_price, b.has_price AS other_has_price, b.log_context AS other_log_context,
           b.has_context AS other_has_context, b.log_output AS other_log_output, b.has_output AS other_has_output
    FROM (SELECT *, unnest(range(floor((log_context - window_gap) / 0.25)::INTEGER,
                                 floor((log_context + window_gap) / 0.25)::INTEGER + 1)) AS bucket
          FROM windows WHERE band = 'window' AND use_buckets) w
    JOIN candidates b ON b.pid = w.pb AND b.context_bucket = w.bucket
    UNION ALL BY NAME
    SELECT w.*, b.idx AS other, b.model_id AS other_model_id,
           b.log_price AS other_log_price, b.has_price AS other_has_price, b.log_context AS other_log_context,
           b.has_context AS other_has_context, b.log_output AS other_log_output, b.has_output AS other_has_output
    FROM (SELECT * FROM windows WHERE band = 'scan' OR NOT use_buckets) w JOIN candidates b ON b.pid = w.pb
    WHERE w.band = 'scan'
       OR (w.band = 'price' AND NOT w.use_buckets AND abs(b.log_price - w.log_price) <= w.price_gap)
       OR (w.band = 'window' AND NOT w.use_buckets AND abs(b.log_context - w.log_context) <= w.window_gap)
),
scored AS (
    SELECT *
    FROM (SELECT *, overall_score(cost, m, k, context) AS overall
          FROM (SELECT lens_group, ref, other, m, k, o, c, md, cp, cx,
                 overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound,
                 cost_score(log_price, has_price, other_log_price, other_has_price) AS cost,
                 context_score(log_context, has_context, other_log_context, other_has_context,
                               log_output, has_output, other_log_output, other_has_output) AS context
          FROM bands
          WHERE ref <> other AND model_id <> other_model_id
            AND (price_filter IS NULL OR abs(log_price - other_log_price) <= price_filter)
            AND (window_filter IS NULL OR abs(log_context - other_log_context) <= window_filter)))
    WHERE (lens_group = 'price' AND (overall >= o OR lens_score(cost, overall) >= c OR lens_score(m, overall) >= md
                                     OR lens_score(k, overall) >= cp))
       OR (lens_group = 'context' AND lens_score(context, overall) >= cx)
)
SELECT lens_group, ref, overall_bound, cost_bound, modality_bound, capabilities_bound, context_bound,
       rank_key(overall, other) AS overall_key,
       rank_key(lens_score(cost, overall), other) AS cost_key,
       rank_key(lens_score(m, overall), other) AS modality_key,
       rank_key(lens_score(k, overall), other) AS capabilities_key,
       rank_key(lens_score(context, overall), other) AS context_key
FROM scored;

INSERT INTO similar_lists
SELECT ref,
       max(overall_key, getvariable('k'))
           FILTER (WHERE lens_group = 'price' AND overall_key >= overall_bound) AS overall,
       max(cost_key, getvariable('k')) FILTER (WHERE lens_group = 'price' AND cost_key >= cost_bound) AS cost,
       max(modality_key, getvariable('k'))
           FILTER (WHERE lens_group = 'price' AND modality_key >= modality_bound) AS modality,
       max(capabilities_key, getvariable('k'))
           FILTER (WHERE lens_group = 'price' AND capabilities_key >= capabilities_bound) AS capabilities,
       max(context_key, getvariable('k'))
           FILTER (WHERE lens_group = 'context' AND context_key >= context_bound) AS context
FROM window_pairs
WHERE (lens_group = 'price' AND (overall_key >= overall_bound OR cost_key >= cost_bound
                                 OR modality_key >= modality_bound OR capabilities_key >= capabilities_bound))
   OR (lens_group = 'context' AND context_key >= context_bound)
GROUP BY ref;
