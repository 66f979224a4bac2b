-- Every published table of one snapshot as a view, for anyone with DuckDB. From the repository root:
--     duckdb -init sql/readers/views.sql
-- Another warehouse, snapshot or date (by default data/warehouse and its current snapshot):
--     duckdb -cmd "SET VARIABLE warehouse = '/srv/llm-catalog'; SET VARIABLE snapshot = '<id>'; .read sql/readers/views.sql"
--     duckdb -cmd "SET VARIABLE as_of = DATE '2026-03-01'; .read sql/readers/views.sql"  (the snapshot current then)
-- One view per table of that snapshot; `snapshots` lists every published snapshot; the history tables (`changes`,
-- `price_history`, `limit_history`, `capability_history`) of a snapshot cover everything up to it.
--
-- The SET VARIABLE statements below are the one definition of which snapshot a reader binds and of its files:
-- `llm-catalog` (llm_catalog/readers/snapshot.py, for query, show, search, diff, versions, the site and the checks
-- that read the previous snapshot) runs them too, then binds those same files read-only and creates the views over
-- the tables (route_cells, similar_models_page) from this file.

-- Published means: the snapshot has a manifest and is not newer than CURRENT (a newer one is a publish in progress,
-- or one that died before moving CURRENT).
SET VARIABLE warehouse = coalesce(getvariable('warehouse'), 'data/warehouse');
SET VARIABLE current_snapshot = (SELECT snapshot_id FROM read_json(getvariable('warehouse') || '/CURRENT'));
SET VARIABLE manifests = (SELECT coalesce(list(parse_filename(file, true) ORDER BY file), [])
                          FROM glob(getvariable('warehouse') || '/manifests/*.json'));
SET VARIABLE published = [id FOR id IN getvariable('manifests') IF id <= getvariable('current_snapshot')];
-- the `snapshots` row of every published snapshot
SET VARIABLE snapshot_files = [getvariable('warehouse') || '/snapshots/snapshot=' || id || '/part-0.parquet'
                               FOR id IN getvariable('published')];
-- the snapshot bound: the one named, else the one current on the date `as_of` (the newest published as of that day
-- or earlier), else CURRENT
SET VARIABLE snapshot = coalesce(getvariable('snapshot'), CASE WHEN getvariable('as_of') IS NULL
    THEN getvariable('current_snapshot')
    ELSE coalesce((SELECT arg_max(id, (day, id)) FROM (
                       SELECT parse_filename(filename, true) AS id,
                              coalesce(content::JSON ->> 'as_of', left(content::JSON ->> 'created_at', 10))::DATE AS day
                       FROM read_text([getvariable('warehouse') || '/manifests/' || id || '.json'
                                       FOR id IN getvariable('published')]))
                   WHERE day <= getvariable('as_of')::DATE),
                  error('no snapshot in ' || getvariable('warehouse') || ' is as of ' || getvariable('as_of')::DATE
                        || ' or earlier')) END);
SET VARIABLE snapshot = CASE
    WHEN list_contains(getvariable('published'), getvariable('snapshot')) THEN getvariable('snapshot')
    WHEN list_contains(getvariable('manifests'), getvariable('snapshot'))
        THEN error('snapshot ''' || getvariable('snapshot') || ''' in ' || getvariable('warehouse') || ' is not '
                   || 'published: it is newer than CURRENT (a publish in progress, or one that died)')
    ELSE error('no snapshot ''' || getvariable('snapshot') || ''' in ' || getvariable('warehouse')
               || ' (see `llm-catalog versions`)') END;
-- its manifest names the file of each of its tables
SET VARIABLE manifest = (SELECT content::JSON FROM read_text(getvariable('warehouse') || '/manifests/'
                                                             || getvariable('snapshot') || '.json'));

CREATE OR REPLACE MACRO snapshot_table(name) AS TABLE
    SELECT * FROM read_parquet(getvariable('warehouse') || '/'
                               || (getvariable('manifest') ->> ('$.tables.' || name || '.path')),
                               hive_partitioning = false);

CREATE OR REPLACE VIEW routes AS FROM snapshot_table('routes');
CREATE OR REPLACE VIEW prices AS FROM snapshot_table('prices');
CREATE OR REPLACE VIEW limits AS FROM snapshot_table('limits');
CREATE OR REPLACE VIEW capabilities AS FROM snapshot_table('capabilities');
CREATE OR REPLACE VIEW extra_fields AS FROM snapshot_table('extra_fields');
CREATE OR REPLACE VIEW rejects AS FROM snapshot_table('rejects');
CREATE OR REPLACE VIEW route_sources AS FROM snapshot_table('route_sources');
CREATE OR REPLACE VIEW limit_provenance AS FROM snapshot_table('limit_provenance');
CREATE OR REPLACE VIEW price_disagreements AS FROM snapshot_table('price_disagreements');
CREATE OR REPLACE VIEW limit_disagreements AS FROM snapshot_table('limit_disagreements');
CREATE OR REPLACE VIEW capability_disagreements AS FROM snapshot_table('capability_disagreements');
CREATE OR REPLACE VIEW similar_models AS FROM snapshot_table('similar_models');
CREATE OR REPLACE VIEW alternatives AS FROM snapshot_table('alternatives');
CREATE OR REPLACE VIEW benchmarks AS FROM snapshot_table('benchmarks');
CREATE OR REPLACE VIEW benchmark_unmatched AS FROM snapshot_table('benchmark_unmatched');
CREATE OR REPLACE VIEW models AS FROM snapshot_table('models');
CREATE OR REPLACE VIEW changes AS FROM snapshot_table('changes');
CREATE OR REPLACE VIEW price_history AS FROM snapshot_table('price_history');
CREATE OR REPLACE VIEW limit_history AS FROM snapshot_table('limit_history');
CREATE OR REPLACE VIEW capability_history AS FROM snapshot_table('capability_history');
CREATE OR REPLACE VIEW snapshots AS
    SELECT * FROM read_parquet(getvariable('snapshot_files'), hive_partitioning = false, union_by_name = true);

-- What a model page shows of a route in a row of its "Similar models" table: model and provider display names,
-- input and output price with their unit (per 1M tokens, or the block's own: per image, per second, per 1M
-- characters), input and output modalities (NULL: unknown), the page capabilities the route states as supported
-- (`features`) and its context window.
CREATE OR REPLACE VIEW route_cells AS
WITH page_capabilities(capability, position, label) AS (
    VALUES ('vision', 1, 'Vision'), ('function_calling', 2, 'Function calling'),
           ('parallel_function_calling', 3, 'Parallel function calling'), ('tool_choice', 4, 'Tool choice'),
           ('prompt_caching', 5, 'Prompt caching'), ('reasoning', 6, 'Reasoning'),
           ('response_schema', 7, 'Response schema'), ('system_messages', 8, 'System messages'),
           ('audio_input', 9, 'Audio input'), ('audio_output', 10, 'Audio output'), ('web_search', 11, 'Web search'),
           ('pdf_input', 12, 'PDF input'), ('video_input', 13, 'Video input')
),
-- the base price of each side, in the first unit the route states in this order of preference
price_preference(side, price_kind, unit, preference) AS (
    VALUES ('input', 'input', 'usd_per_1m_tokens', 1), ('input', 'input', 'usd_per_1m_characters', 2),
           ('input', 'input', 'usd_per_second', 3), ('input', 'input_audio', 'usd_per_second', 4),
           ('input', 'input', 'usd_per_image', 5), ('input', 'input', 'usd_per_query', 6),
           ('output', 'output', 'usd_per_1m_tokens', 1), ('output', 'output_image', 'usd_per_image', 2),
           ('output', 'output', 'usd_per_image', 3), ('output', 'output_video', 'usd_per_second', 4),
           ('output', 'output', 'usd_per_second', 5), ('output', 'output', 'usd_per_1m_characters', 6)
),
side_prices AS (
    SELECT route_id, side, arg_min({'usd': usd, 'unit': p.unit}, preference) AS price
    FROM prices p JOIN price_preference USING (price_kind, unit)
    WHERE tier = 'standard' AND condition IS NULL
    GROUP BY route_id, side
)
SELECT r.route_id, split_part(r.model, '/', -1) AS model_name, coalesce(r.provider_name, r.provider) AS provider_name,
       r.provider, r.mode, i.price.usd AS input_price, i.price.unit AS input_price_unit,
       -- an embedding has no output tokens: the 0 sources write for them is no price (llm_catalog.readers.counts)
       CASE WHEN o.price.usd = 0 AND coalesce(r.mode = 'embedding' OR r.output_modalities = ['embedding'], false)
            THEN NULL ELSE o.price.usd END AS output_price, o.price.unit AS output_price_unit,
       r.input_modalities, r.output_modalities,
       coalesce((SELECT list(label ORDER BY position) FROM capabilities c JOIN page_capabilities USING (capability)
                 WHERE c.route_id = r.route_id AND c.supported), []) AS features,
       l.context_window
FROM routes r
LEFT JOIN limits l USING (route_id)
LEFT JOIN side_prices i ON i.route_id = r.route_id AND i.side = 'input'
LEFT JOIN side_prices o ON o.route_id = r.route_id AND o.side = 'output';

-- The "Similar models" table of a model page, in one query: for every route and lens, the reference row
-- ("Comparing from", rank 0) and then the ranked rows, each with its route_cells, the reasons and the score.
-- `same_provider` lets a page filter on it.
--     SELECT * FROM similar_models_page WHERE route_id = 'deepinfra/openai/gpt-oss-20b' AND lens = 'overall'
--     ORDER BY rank
CREATE OR REPLACE VIEW similar_models_page AS
WITH listed AS (
    SELECT route_id, lens, rank, other_route_id, score, cost_score, modality_score, capability_score, context_score,
           reasons
    FROM similar_models
    UNION ALL
    -- the reference row, once per lens the route has a list for
    SELECT DISTINCT route_id, lens, 0, route_id, NULL, NULL, NULL, NULL, NULL, ['Current model', 'Reference row']
    FROM similar_models
)
SELECT s.route_id, s.lens, s.rank, s.rank = 0 AS is_reference, s.other_route_id,
       c.model_name, c.provider_name, c.mode,
       c.input_price, c.input_price_unit, c.output_price, c.output_price_unit,
       c.input_modalities, c.output_modalities, c.features, c.context_window,
       s.reasons, s.score, s.cost_score, s.modality_score, s.capability_score, s.context_score,
       c.provider = ref.provider AS same_provider
FROM listed s
JOIN route_cells c ON c.route_id = s.other_route_id
JOIN route_cells ref ON ref.route_id = s.route_id;
