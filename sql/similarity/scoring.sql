-- How close route b is to reference route a, per component, each in 0..1 (1 = the same). Plain arithmetic on the
-- columns of route_features, without NULL branches, because it runs for every comparable pair.
--
-- The gaps at which the cost and context components reach 0: a decade of price (10x: a route ten times the price is
-- another class of offer, not a replacement), 2 doublings of window (4x).
CREATE OR REPLACE MACRO cost_span() AS 1.0;
CREATE OR REPLACE MACRO context_span() AS 2.0;

-- A known value against a known value scores by the gap; an unknown on either side scores 0.5: not a match, not a
-- mismatch (an unpriced route is not "the same price" as another unpriced one).
CREATE OR REPLACE MACRO gap_score(log_a, has_a, log_b, has_b, span) AS
    has_a * has_b * greatest(0.0, 1.0 - abs(log_a - log_b) / span) + (1.0 - has_a * has_b) * 0.5;

-- cost: 1 - |log10 price_a - log10 price_b| on the block's price basis (2x apart scores 0.70, 5x 0.30, 10x 0).
--   Free routes sit at $0.001 a unit.
CREATE OR REPLACE MACRO cost_score(log_a, has_a, log_b, has_b) AS gap_score(log_a, has_a, log_b, has_b, cost_span());

-- Evidence outranks silence: for each modality or capability the reference a has, a candidate that states it earns
-- 1, one that does not say earns 0.5 (unknown is not false, but not a match either), one that states the opposite 0.

-- modality: over a's input and output modalities, b lists it: 1; b's map says nothing of it: 0.5; b is known to
--   lack it (its modality list is stated, or a flag says false): 0. Times 0.9 when b has modalities a lacks.
CREATE OR REPLACE MACRO modality_score(io_a, inv_n_io_a, io_b, absent_b) AS
    (bit_count(io_a & io_b) + 0.5 * bit_count(io_a & ~io_b & ~absent_b)) * inv_n_io_a
    * (1.0 - 0.1 * ((io_b & ~io_a) <> 0)::INTEGER);

-- capabilities: over the page capabilities a states, weighted 1 for each a supports and 0.5 for each a states false:
--   b states the same: 1; b does not say: 0.5; b states the opposite: 0 where a supports it, 0.5 where a does not
--   (b offers more, which is no loss). 0.5 when a states none of them (nothing can be confirmed).
CREATE OR REPLACE MACRO capability_score(true_a, false_a, weight_a, true_b, false_b) AS
    coalesce((bit_count(true_a & true_b) + 0.5 * bit_count(true_a & ~true_b & ~false_b)
              + 0.5 * bit_count(false_a & false_b) + 0.25 * bit_count(false_a & ~false_b)) / nullif(weight_a, 0), 0.5);

-- context: the mean of two limits a replacement must meet, each 1 - |log2 a - log2 b| / 2 (2x apart scores 0.5,
--   4x 0): the context window (what a request may send) and the output cap (what a response may hold).
CREATE OR REPLACE MACRO context_score(in_a, has_in_a, in_b, has_in_b, out_a, has_out_a, out_b, has_out_b) AS
    0.5 * (gap_score(in_a, has_in_a, in_b, has_in_b, context_span())
           + gap_score(out_a, has_out_a, out_b, has_out_b, context_span()));

-- quality: over the quality scales both base models have a figure on (quality.sql: one leaderboard or index each,
--   positions already divided by the scale's span), the mean of 1 - |position_a - position_b|, at least 0; 0.5 when
--   they share none (not a match, not a mismatch).
CREATE OR REPLACE MACRO shared_scales(h1a, h2a, h3a, h1b, h2b, h3b) AS h1a * h1b + h2a * h2b + h3a * h3b;
CREATE OR REPLACE MACRO quality_score(q1a, h1a, q2a, h2a, q3a, h3a, q1b, h1b, q2b, h2b, q3b, h3b) AS
    CASE WHEN shared_scales(h1a, h2a, h3a, h1b, h2b, h3b) > 0
         THEN (h1a * h1b * greatest(0.0, 1.0 - abs(q1a - q1b)) + h2a * h2b * greatest(0.0, 1.0 - abs(q2a - q2b))
               + h3a * h3b * greatest(0.0, 1.0 - abs(q3a - q3b))) / shared_scales(h1a, h2a, h3a, h1b, h2b, h3b)
         ELSE 0.5 END;

-- overall blends the four offer components, and quality when the reference a has a figure (has_quality_a = 1):
-- then 0.70 of the offer blend + 0.30 quality. A reference with no figure ranks every candidate alike on quality,
-- so its blend is the offer blend alone. A lens weighs its own component 0.6 and overall 0.4.
CREATE OR REPLACE MACRO offer_score(cost, modality, capabilities, context) AS
    0.30 * cost + 0.25 * modality + 0.25 * capabilities + 0.20 * context;
CREATE OR REPLACE MACRO overall_score(cost, modality, capabilities, context, quality, has_quality_a) AS
    (1.0 - 0.30 * has_quality_a) * offer_score(cost, modality, capabilities, context) + 0.30 * has_quality_a * quality;
CREATE OR REPLACE MACRO lens_score(component, overall) AS 0.6 * component + 0.4 * overall;

-- A sortable key per (score, candidate): the score to 6 decimals, ties broken by route_id (idx is route_id order).
CREATE OR REPLACE MACRO rank_key(score, idx_b) AS round(score * 1e6)::BIGINT * 16777216 + (16777215 - idx_b);
CREATE OR REPLACE MACRO key_score(key) AS round((key // 16777216) / 1e6, 6);

-- The K-th best of a list of at most K keys (max(key, k) gives them best first), -1 when it has fewer than K.
CREATE OR REPLACE MACRO kth_key(keys) AS CASE WHEN len(keys) >= getvariable('k') THEN keys[getvariable('k')] ELSE -1 END;

-- A sortable key's score, less rank_key's rounding, as the bound a pair's raw score is compared with;
-- -inf when there is no bound (fewer than K pairs in the sample).
CREATE OR REPLACE MACRO bound_score(key) AS CASE WHEN key < 0 THEN -1e9 ELSE key_score(key) - 1e-6 END;
