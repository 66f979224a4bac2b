-- Every published table as a view, for anyone with DuckDB. From the repository root:
--     duckdb -init sql/views.sql
-- Another warehouse or snapshot (both default to data/warehouse and its current snapshot):
--     duckdb -cmd "SET VARIABLE warehouse = '/srv/llm-catalog'; SET VARIABLE snapshot = '<id>'; .read sql/views.sql"
-- One view per table of that snapshot; `snapshots` lists every snapshot; the history tables (`changes`,
-- `price_history`, `limit_history`, `capability_history`) of a snapshot cover everything up to it.
-- `llm-catalog query` binds the same views (these names, the same files) read-only; see llm_catalog/query.py.
SET VARIABLE warehouse = coalesce(getvariable('warehouse'), 'data/warehouse');
SET VARIABLE snapshot = coalesce(getvariable('snapshot'),
                                 (SELECT snapshot_id FROM read_json(getvariable('warehouse') || '/CURRENT')));

CREATE OR REPLACE MACRO snapshot_table(name) AS TABLE
    SELECT * FROM read_parquet(getvariable('warehouse') || '/' || name || '/snapshot=' || getvariable('snapshot')
                               || '/part-0.parquet', hive_partitioning = false);

CREATE OR REPLACE VIEW routes AS FROM snapshot_table('routes');
CREATE OR REPLACE VIEW prices AS FROM snapshot_table('prices');
CREATE OR REPLACE VIEW limits AS FROM snapshot_table('limits');
CREATE OR REPLACE VIEW capabilities AS FROM snapshot_table('capabilities');
CREATE OR REPLACE VIEW extra_fields AS FROM snapshot_table('extra_fields');
CREATE OR REPLACE VIEW rejects AS FROM snapshot_table('rejects');
CREATE OR REPLACE VIEW similar_models AS FROM snapshot_table('similar_models');
CREATE OR REPLACE VIEW alternatives AS FROM snapshot_table('alternatives');
CREATE OR REPLACE VIEW benchmarks AS FROM snapshot_table('benchmarks');
CREATE OR REPLACE VIEW benchmark_unmatched AS FROM snapshot_table('benchmark_unmatched');
CREATE OR REPLACE VIEW changes AS FROM snapshot_table('changes');
CREATE OR REPLACE VIEW price_history AS FROM snapshot_table('price_history');
CREATE OR REPLACE VIEW limit_history AS FROM snapshot_table('limit_history');
CREATE OR REPLACE VIEW capability_history AS FROM snapshot_table('capability_history');
-- every published snapshot: a partition newer than CURRENT is a publish in progress (or one that died), not published
CREATE OR REPLACE VIEW snapshots AS
    SELECT * FROM read_parquet(getvariable('warehouse') || '/snapshots/*/*.parquet', hive_partitioning = false,
                               union_by_name = true)
    WHERE snapshot_id <= (SELECT snapshot_id FROM read_json(getvariable('warehouse') || '/CURRENT'));
