-- One row per route for the site's index and base-model pages: what the similar-models tables show of it
-- (route_cells) with its base model and family, by base model then id.
SELECT c.route_id, c.model_name, c.provider, c.provider_name, c.mode, c.input_price, c.input_price_unit,
       c.output_price, c.output_price_unit, c.input_modalities, c.output_modalities, c.features, c.context_window,
       r.base_model, r.family
FROM route_cells c
JOIN routes r USING (route_id)
ORDER BY r.base_model, c.route_id
