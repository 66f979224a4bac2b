-- A changes table written before its typed columns (a price's field was 'kind|tier|condition|unit', values were bare
-- text, added and removed routes said nothing): the same rows as sql/history/changes.sql writes them now, so the
-- history a warehouse already holds carries on. Relation: earlier_changes.
WITH keyed AS (
    SELECT *, CASE WHEN change = 'price' THEN string_split(field, '|') END AS price_key FROM earlier_changes
),
typed AS (
    SELECT snapshot_id, previous_snapshot_id, as_of, route_id, change, field, old_value, new_value, relative_change,
           price_key[1] AS price_kind, price_key[2] AS tier, nullif(price_key[3], '') AS condition,
           price_key[4] AS unit,
           CASE WHEN change = 'price' THEN old_value::DOUBLE END AS old_usd,
           CASE WHEN change = 'price' THEN new_value::DOUBLE END AS new_usd,
           CASE WHEN change = 'limit' THEN field END AS limit_name,
           CASE WHEN change = 'limit' THEN old_value::BIGINT END AS old_limit,
           CASE WHEN change = 'limit' THEN new_value::BIGINT END AS new_limit,
           CASE WHEN change = 'capability' THEN field END AS capability,
           CASE WHEN change = 'capability' THEN old_value::BOOLEAN END AS old_supported,
           CASE WHEN change = 'capability' THEN new_value::BOOLEAN END AS new_supported
    FROM keyed
)
SELECT snapshot_id, previous_snapshot_id, as_of, route_id, change,
       CASE WHEN change = 'price' THEN price_text(price_kind, tier, condition, unit)
            WHEN change IN ('added', 'removed') THEN 'route'
            ELSE replace(field, '_', ' ') END AS field,
       CASE change WHEN 'price' THEN usd_text(old_usd) WHEN 'limit' THEN limit_text(old_limit)
            WHEN 'capability' THEN supported_text(old_supported)
            WHEN 'modality' THEN regexp_replace(old_value, '^\[(.*)\]$', '\1') ELSE old_value END AS old_value,
       CASE change WHEN 'price' THEN usd_text(new_usd) WHEN 'limit' THEN limit_text(new_limit)
            WHEN 'capability' THEN supported_text(new_supported)
            WHEN 'modality' THEN regexp_replace(new_value, '^\[(.*)\]$', '\1') ELSE new_value END AS new_value,
       relative_change, price_kind, tier, condition, unit, old_usd, new_usd, limit_name, old_limit, new_limit,
       capability, old_supported, new_supported, NULL::VARCHAR[] AS moved_sources
FROM typed
