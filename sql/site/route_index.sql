-- One row per route for the site's index and base-model pages: what the similar-models tables show of it
-- (route_cells) with its base model and family, and whether its sources disagree on a price (price_disagreements),
-- and whether it is listed on its base model's page (not a duplicate key), by base model then id.
SELECT c.route_id, c.model_name, c.provider, c.provider_name, c.mode, c.input_price, c.input_price_unit,
       c.output_price, c.output_price_unit, c.input_modalities, c.output_modalities, c.features, c.context_window,
       r.base_model, r.family,
       c.route_id IN (SELECT route_id FROM price_disagreements) AS disagree,
       -- false: a duplicate key of another route (same provider, model and data), which `show` and search leave out
       r.duplicate_of IS NULL OR r.duplicate_of = r.route_id AS listed
FROM route_cells c
JOIN routes r USING (route_id)
ORDER BY r.base_model, c.route_id
