-- The routes of one batch of pages ($routes: their ids), with the sources listing each ({sources}) and whether it
-- is a runtime you run yourself ({self_hosted}); each NULL in a snapshot from before its column.
SELECT route_id, provider, provider_name, model, base_model, family, mode, input_modalities, output_modalities,
       modalities_stated, deprecation_date, source_url, {sources} AS sources, {self_hosted} AS self_hosted
FROM routes
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id
