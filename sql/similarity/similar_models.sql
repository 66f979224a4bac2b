-- The published similar_models: one row per (route, lens, rank) with the four components and the reasons.
-- Relations: similar_lists, route_features.
-- The kernel's lists come best first (lists.py): a key's rank is its position in its list.
WITH ranked AS (
    SELECT ref, lens, unnest(keys) AS key, unnest(generate_series(1, len(keys)))::INTEGER AS rank
    FROM (
        SELECT ref, 'overall' AS lens, overall AS keys FROM similar_lists
        UNION ALL SELECT ref, 'cost', cost FROM similar_lists
        UNION ALL SELECT ref, 'modality', modality FROM similar_lists
        UNION ALL SELECT ref, 'capabilities', capabilities FROM similar_lists
        UNION ALL SELECT ref, 'context', context FROM similar_lists
        UNION ALL SELECT ref, 'quality', quality FROM similar_lists
    )
),
-- 'Text covered', 'Text and image covered', ...: the media the reference takes or gives, once per reference route
-- (built per row, the strings were most of this query)
covered AS (
    SELECT idx, upper(media[1]) || media[2:] || ' covered' AS covered
    FROM (SELECT idx, coalesce(nullif(array_to_string(list_filter([
              CASE WHEN io_mask & 257 <> 0 THEN 'text' END, CASE WHEN io_mask & 514 <> 0 THEN 'image' END,
              CASE WHEN io_mask & 1028 <> 0 THEN 'audio' END, CASE WHEN io_mask & 2056 <> 0 THEN 'video' END],
              lambda m: m IS NOT NULL), ' and '), ''), 'modalities') AS media
          FROM route_features)
),
scored AS (
    SELECT r.ref, r.lens, r.rank, key_score(r.key) AS score, a.route_id, b.route_id AS other_route_id,
           b.variants, a.provider = b.provider AS same_provider,
           a.family IS NOT NULL AND a.family = b.family AS same_family,
           a.io_mask AS io_a, b.io_mask AS io_b,
           c.covered,
           a.price_status AS status_a, b.price_status AS status_b, a.unit_price AS price_a, b.unit_price AS price_b,
           a.context_window AS context_a, b.context_window AS context_b,
           a.cap_weight AS cap_weight_a, a.cap_true AS cap_true_a, a.cap_false AS cap_false_a,
           b.cap_true AS cap_true_b, b.cap_false AS cap_false_b,
           round(cost_score(a.log_price, a.has_price, b.log_price, b.has_price), 6) AS cost_score,
           round(modality_score(a.io_mask, a.inv_n_io, b.io_mask, b.io_absent), 6) AS modality_score,
           round(capability_score(a.cap_true, a.cap_false, a.cap_weight, b.cap_true, b.cap_false), 6) AS capability_score,
           round(context_score(a.log_context, a.has_context, b.log_context, b.has_context,
                               a.log_output, a.has_output, b.log_output, b.has_output), 6) AS context_score,
           round(quality_score(a.q1, a.h1, a.q2, a.h2, a.q3, a.h3, b.q1, b.h1, b.q2, b.h2, b.q3, b.h3), 6)
               AS quality_score,
           shared_scales(a.h1, a.h2, a.h3, b.h1, b.h2, b.h3) > 0 AS quality_known,
           -- how far b stands above a, in spans, averaged over the scales both have a figure on
           (a.h1 * b.h1 * (b.q1 - a.q1) + a.h2 * b.h2 * (b.q2 - a.q2) + a.h3 * b.h3 * (b.q3 - a.q3))
               / greatest(shared_scales(a.h1, a.h2, a.h3, b.h1, b.h2, b.h3), 1) AS quality_lead
    FROM ranked r
    JOIN route_features a ON a.idx = r.ref
    JOIN covered c ON c.idx = r.ref
    JOIN route_features b ON b.idx = 16777215 - r.key % 16777216
)
SELECT route_id, lens, rank, other_route_id, variants, score, cost_score, modality_score, capability_score, context_score,
    quality_score,
    list_filter([
        CASE WHEN same_provider THEN 'Same provider' END,
        CASE WHEN same_family THEN 'Same family' END,
        -- modalities: text is bits 1 (in) and 256 (out); image 2/512; audio 4/1024; video 8/2048
        CASE WHEN io_a & ~io_b = 0 THEN covered
             WHEN io_a & io_b <> 0 THEN 'Partial I/O overlap'
             ELSE 'No I/O overlap' END,
        CASE WHEN io_a & ~io_b & 257 <> 0 THEN 'Missing text' END,
        CASE WHEN io_a & ~io_b & 514 <> 0 THEN 'Missing image' END,
        CASE WHEN io_a & ~io_b & 1028 <> 0 THEN 'Missing audio' END,
        CASE WHEN io_a & ~io_b & 2056 <> 0 THEN 'Missing video' END,
        -- capabilities: every one a states, stated alike by b; none of them stated by b; or a score under 0.5
        CASE WHEN capability_score = 1 AND cap_weight_a > 0 THEN 'Features covered'
             WHEN capability_score < 0.5 THEN 'Low overlap'
             WHEN cap_weight_a > 0 AND (cap_true_a | cap_false_a) & (cap_true_b | cap_false_b) = 0 THEN 'Features unstated' END,
        CASE WHEN status_b = 'unpriced' THEN 'Unpriced'
             WHEN status_b = 'free' AND status_a <> 'free' THEN 'Free'
             WHEN status_a = 'priced' AND price_b < 0.8 * price_a THEN 'Cheaper'
             WHEN status_a = 'priced' AND price_b > 1.25 * price_a THEN 'Pricier'
             WHEN status_a = status_b THEN 'Similar price' END,
        CASE WHEN context_b >= 2 * context_a THEN 'Larger context'
             WHEN 2 * context_b <= context_a THEN 'Smaller context'
             WHEN context_a = context_b THEN 'Same context' END,
        -- quality: the mean lead over the shared scales, in spans (quality.sql): a quarter of a span either way
        -- (25 LMArena points, about twice the width of a well-voted model's 95% confidence interval)
        CASE WHEN NOT quality_known THEN NULL
             WHEN quality_lead > 0.25 THEN 'Rated higher'
             WHEN quality_lead < -0.25 THEN 'Rated lower'
             ELSE 'Similar rating' END
    ], lambda x: x IS NOT NULL) AS reasons
FROM scored
ORDER BY ref, lens, rank  -- ref numbers the routes in route_id order: the same order, sorted on integers
