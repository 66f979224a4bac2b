-- One row per route for the site's index and base-model pages: what the similar-models tables show of it
-- (route_cells) with its base model and family, whether its sources disagree on a price (price_disagreements),
-- what search ranks it by (its full model name, whether it duplicates another route), how many providers serve its
-- base model, whether that base model has a benchmark score, and whether it is listed on its base model's page.
-- Landing order: the base models served by the most providers first (the models a reader most likely came to
-- compare), then by base model and route id.
WITH providers AS (
    SELECT base_model, count(DISTINCT provider) AS base_providers FROM routes GROUP BY base_model
)
SELECT c.route_id, c.model_name, c.provider, c.provider_name, c.mode, c.input_price, c.input_price_unit,
       c.output_price, c.output_price_unit, c.input_modalities, c.output_modalities, c.features, c.context_window,
       r.base_model, r.family, r.model, r.provider_name AS stated_provider_name,
       coalesce(r.duplicate_of <> r.route_id, false) AS duplicate,
       p.base_providers,
       r.base_model IN (SELECT base_model FROM benchmarks WHERE score IS NOT NULL AND base_model IS NOT NULL)
           AS has_benchmarks,
       c.route_id IN (SELECT route_id FROM price_disagreements) AS disagree,
       -- false: a duplicate key of another route (same provider, model and data), which `show` and search leave out
       r.duplicate_of IS NULL OR r.duplicate_of = r.route_id AS listed
FROM route_cells c
JOIN routes r USING (route_id)
JOIN providers p USING (base_model)
ORDER BY p.base_providers DESC, r.base_model, c.route_id
