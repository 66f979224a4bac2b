-- Per base model, where it stands on the quality scales the similarity stage compares: the same leaderboard or
-- index on both sides, never a rating against a percentage. Each slot is one scale, its figure divided by the gap
-- at which closeness reaches 0 (`span`), so that a pair's closeness on it is 1 - |position_a - position_b|:
--   1  LMArena text, overall category (a Bradley-Terry rating): 100 points (a model 100 points up wins about 64% of
--      the head-to-head votes; Llama 3.2 3B sits 150 points under gpt-oss-20b, gpt-oss-120b 34 over it)
--   2  GPQA Diamond (percent correct): 25 points
--   3  Artificial Analysis Intelligence Index: 20 points
-- A model's figure on a scale is its best over reasoning efforts and variants (the model at its best setting);
-- only figures for the base model count (a route-scoped run says how one route did). Relations: benchmarks.
CREATE OR REPLACE TEMP TABLE model_quality AS
WITH scales(slot, benchmark, variant, span) AS (
    VALUES (1, 'lmarena_text', 'overall', 100.0), (2, 'gpqa_diamond', NULL, 25.0),
           (3, 'aa_artificial_analysis_intelligence_index', NULL, 20.0)
),
positions AS (
    SELECT b.base_model, s.slot,
           max(CASE WHEN b.unit = 'fraction' THEN 100 * b.score ELSE b.score END) / any_value(s.span) AS position
    FROM benchmarks b
    JOIN scales s ON s.benchmark = b.benchmark AND (s.variant IS NULL OR s.variant = b.variant)
    WHERE b.scope = 'base_model'
    GROUP BY b.base_model, s.slot
)
SELECT base_model,
       coalesce(max(position) FILTER (WHERE slot = 1), 0.0) AS q1, (count(*) FILTER (WHERE slot = 1))::DOUBLE AS h1,
       coalesce(max(position) FILTER (WHERE slot = 2), 0.0) AS q2, (count(*) FILTER (WHERE slot = 2))::DOUBLE AS h2,
       coalesce(max(position) FILTER (WHERE slot = 3), 0.0) AS q3, (count(*) FILTER (WHERE slot = 3))::DOUBLE AS h3
FROM positions
GROUP BY base_model;
