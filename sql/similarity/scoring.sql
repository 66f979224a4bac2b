-- How close route b is to reference route a, per component, each in 0..1 (1 = the same). Plain arithmetic on the
-- columns of route_features, without NULL branches, because it runs for every comparable pair.
--
-- The gaps at which the cost and context components reach 0: 2 decades of price (100x), 4 doublings of window (16x).
CREATE OR REPLACE MACRO cost_span() AS 2.0;
CREATE OR REPLACE MACRO context_span() AS 4.0;

-- cost: 1 - |log10 price_a - log10 price_b| / 2 (a 2x price gap scores 0.85, 10x 0.5, 100x 0). Free routes sit at
--   $0.001 a unit. An unpriced route scores 0.5 against a priced one (unknown), 1 against another unpriced one.
CREATE OR REPLACE MACRO cost_score(log_a, has_a, log_b, has_b) AS
    has_a * has_b * greatest(0.0, 1.0 - abs(log_a - log_b) / cost_span())
    + (1.0 - has_a * has_b) * (1.0 - 0.5 * (has_a + has_b));

-- modality: the share of a's input and output modalities that b also has, times 0.9 when b has some that a lacks.
CREATE OR REPLACE MACRO modality_score(io_a, inv_n_io_a, io_b) AS
    bit_count(io_a & io_b) * inv_n_io_a * (1.0 - 0.1 * ((io_b & ~io_a) <> 0)::INTEGER);

-- capabilities: of the page capabilities a supports, the share b supports among those b states; unknown is not
--   false. 1 when a supports none; 0.5 when b states none of a's.
CREATE OR REPLACE MACRO capability_score(true_a, no_caps_a, true_b, known_b) AS
    greatest(no_caps_a, coalesce(bit_count(true_a & true_b) / nullif(bit_count(true_a & known_b), 0), 0.5));

-- context: 1 - |log2 window_a - log2 window_b| / 4 (2x scores 0.75, 16x 0); unknown as for cost.
CREATE OR REPLACE MACRO context_score(log_a, has_a, log_b, has_b) AS
    has_a * has_b * greatest(0.0, 1.0 - abs(log_a - log_b) / context_span())
    + (1.0 - has_a * has_b) * (1.0 - 0.5 * (has_a + has_b));

-- overall blends the four; a lens weighs its own component 0.6 and overall 0.4.
CREATE OR REPLACE MACRO overall_score(cost, modality, capabilities, context) AS
    0.30 * cost + 0.25 * modality + 0.25 * capabilities + 0.20 * context;
CREATE OR REPLACE MACRO lens_score(component, overall) AS 0.6 * component + 0.4 * overall;

-- A sortable key per (score, candidate): the score to 6 decimals, ties broken by route_id (idx is route_id order).
CREATE OR REPLACE MACRO rank_key(score, idx_b) AS round(score * 1e6)::BIGINT * 16777216 + (16777215 - idx_b);
CREATE OR REPLACE MACRO key_score(key) AS round((key // 16777216) / 1e6, 6);

-- A lens score can beat bound b only if the cost component c reaches cost_needed and the context component x
-- reaches context_needed, every other component at its best (1). From the weights above:
--   overall = 0.30 c + 0.20 x + 0.50 (at most)      modality, capabilities lens = 0.12 c + 0.08 x + 0.80
--   cost lens = 0.72 c + 0.08 x + 0.20              context lens = 0.12 c + 0.68 x + 0.20
CREATE OR REPLACE MACRO cost_needed(bound_score, lens) AS
    CASE lens WHEN 'overall' THEN (bound_score - 0.70) / 0.30
              WHEN 'cost' THEN (bound_score - 0.28) / 0.72
              ELSE (bound_score - 0.88) / 0.12 END;
CREATE OR REPLACE MACRO context_needed(bound_score, lens) AS
    CASE lens WHEN 'overall' THEN (bound_score - 0.80) / 0.20
              WHEN 'context' THEN (bound_score - 0.32) / 0.68
              ELSE (bound_score - 0.92) / 0.08 END;
