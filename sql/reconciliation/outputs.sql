-- the published shapes: chosen values per kind with their provenance, and the fields where the sources disagree
-- (a field is a disagreement when a source states a value that does not agree with the chosen one)
CREATE OR REPLACE VIEW chosen_prices AS
SELECT route_id, price_kind, tier, condition, unit, value AS usd, source_field, source, sources_stating,
       sources_agreeing, rule
FROM chosen WHERE kind = 'price';

CREATE OR REPLACE VIEW chosen_limits AS
SELECT route_id, field AS limit_name, value::BIGINT AS value, source, sources_stating, sources_agreeing, rule
FROM chosen WHERE kind = 'limit';

CREATE OR REPLACE VIEW chosen_capabilities AS
SELECT route_id, field AS capability, value = 1 AS supported, source, sources_stating, sources_agreeing, rule
FROM chosen WHERE kind = 'capability';

CREATE OR REPLACE VIEW price_disagreements AS
SELECT route_id, price_kind, tier, condition, unit, value AS usd, source, rule,
       [{'source': s.source, 'source_route_id': s.source_route_id, 'usd': s.value, 'as_of': s.as_of,
         'flag': s.flag} FOR s IN statements] AS statements
FROM chosen WHERE kind = 'price' AND len(sources_agreeing) < len(sources_stating);

CREATE OR REPLACE VIEW limit_disagreements AS
SELECT route_id, field AS limit_name, value::BIGINT AS value, source, rule,
       [{'source': s.source, 'source_route_id': s.source_route_id, 'value': s.value::BIGINT, 'as_of': s.as_of,
         'flag': s.flag} FOR s IN statements] AS statements
FROM chosen WHERE kind = 'limit' AND len(sources_agreeing) < len(sources_stating);

CREATE OR REPLACE VIEW capability_disagreements AS
SELECT route_id, field AS capability, value = 1 AS supported, source, rule,
       [{'source': s.source, 'source_route_id': s.source_route_id, 'supported': s.value = 1, 'as_of': s.as_of,
         'flag': s.flag} FOR s IN statements] AS statements
FROM chosen WHERE kind = 'capability' AND len(sources_agreeing) < len(sources_stating);

-- a mode from what a route outputs, for routes whose sources state none (models.dev and genai-prices state no mode)
CREATE OR REPLACE MACRO mode_from_outputs(outputs) AS
    CASE WHEN list_contains(outputs, 'text') THEN 'chat'
         WHEN outputs = ['image'] THEN 'image_generation'
         WHEN outputs = ['video'] THEN 'video_generation'
         WHEN outputs = ['audio'] THEN 'audio_speech'
         WHEN outputs = ['embedding'] THEN 'embedding' END;

-- one row per catalog route: the route as the first source listing it states it, and every source that lists it;
-- its mode the first stated one of any source, else what its outputs say
CREATE OR REPLACE VIEW catalog_routes AS
WITH listed AS (
    SELECT rs.route_id, r.* EXCLUDE (source, route_id), i.source_order,
           list(rs.source) OVER (PARTITION BY rs.route_id ORDER BY i.source_order
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS sources,
           first(r.mode IGNORE NULLS) OVER (PARTITION BY rs.route_id ORDER BY i.source_order
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS stated_mode
    FROM route_sources rs
    JOIN source_routes r ON r.source = rs.source AND r.route_id = rs.source_route_id
    JOIN source_info i ON i.source = rs.source
)
SELECT * EXCLUDE (source_order, stated_mode)
    REPLACE (coalesce(stated_mode, mode_from_outputs(output_modalities)) AS mode)
FROM listed
QUALIFY row_number() OVER (PARTITION BY route_id ORDER BY source_order) = 1;

-- the catalog's limits, wide as each source states them: one row per catalog route, null where no source states it
CREATE OR REPLACE VIEW catalog_limits AS
SELECT r.route_id,
       max(c.value) FILTER (WHERE c.limit_name = 'context_window') AS context_window,
       max(c.value) FILTER (WHERE c.limit_name = 'max_input_tokens') AS max_input_tokens,
       max(c.value) FILTER (WHERE c.limit_name = 'max_output_tokens') AS max_output_tokens,
       max(c.value) FILTER (WHERE c.limit_name = 'max_tokens') AS max_tokens
FROM catalog_routes r LEFT JOIN chosen_limits c USING (route_id)
GROUP BY r.route_id;

-- every source's extra fields, on the catalog's route ids (a route's fields from several sources are kept apart)
CREATE OR REPLACE VIEW catalog_extra_fields AS
SELECT rs.route_id, e.field, e.value_json, e.known, e.source
FROM source_extra_fields e
JOIN route_sources rs ON rs.source = e.source AND rs.source_route_id = e.route_id;

-- every source's rejects, the entry as its source names it (an entry left out has no catalog route)
CREATE OR REPLACE VIEW catalog_rejects AS
SELECT route_id, field, value, rule, message, severity, source FROM source_rejects;
