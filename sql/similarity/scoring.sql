-- How close route b is to reference route a, per component, each in 0..1 (1 = the same). Plain arithmetic on the
-- columns of route_features, without NULL branches, because it runs for every comparable pair.
--
-- The gaps at which the cost and context components reach 0: 2 decades of price (100x), 3 doublings of window (8x).
CREATE OR REPLACE MACRO cost_span() AS 2.0;
CREATE OR REPLACE MACRO context_span() AS 3.0;

-- A known value against a known value scores by the gap; an unknown on either side scores 0.5: not a match, not a
-- mismatch (an unpriced route is not "the same price" as another unpriced one).
CREATE OR REPLACE MACRO gap_score(log_a, has_a, log_b, has_b, span) AS
    has_a * has_b * greatest(0.0, 1.0 - abs(log_a - log_b) / span) + (1.0 - has_a * has_b) * 0.5;

-- cost: 1 - |log10 price_a - log10 price_b| / 2 on the block's price basis (2x apart scores 0.85, 9x 0.52, 100x 0).
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

-- context: the mean of two limits a replacement must meet, each 1 - |log2 a - log2 b| / 3 (2x apart scores 0.67,
--   4x 0.33, 8x 0): the context window (what a request may send) and the output cap (what a response may hold).
CREATE OR REPLACE MACRO context_score(in_a, has_in_a, in_b, has_in_b, out_a, has_out_a, out_b, has_out_b) AS
    0.5 * (gap_score(in_a, has_in_a, in_b, has_in_b, context_span())
           + gap_score(out_a, has_out_a, out_b, has_out_b, context_span()));

-- overall blends the four; a lens weighs its own component 0.6 and overall 0.4.
CREATE OR REPLACE MACRO overall_score(cost, modality, capabilities, context) AS
    0.30 * cost + 0.25 * modality + 0.25 * capabilities + 0.20 * context;
CREATE OR REPLACE MACRO lens_score(component, overall) AS 0.6 * component + 0.4 * overall;

-- A sortable key per (score, candidate): the score to 6 decimals, ties broken by route_id (idx is route_id order).
CREATE OR REPLACE MACRO rank_key(score, idx_b) AS round(score * 1e6)::BIGINT * 16777216 + (16777215 - idx_b);
CREATE OR REPLACE MACRO key_score(key) AS round((key // 16777216) / 1e6, 6);

-- A sortable key's score, less rank_key's rounding, as the bound a pair's raw score is compared with;
-- -inf when there is no bound (fewer than K pairs in the sample).
CREATE OR REPLACE MACRO bound_score(key) AS CASE WHEN key < 0 THEN -1e9 ELSE key_score(key) - 1e-6 END;
