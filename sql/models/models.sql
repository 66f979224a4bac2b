-- One row per base model of the catalog, each field from the first source that says it (per-field provenance).
-- Input: `routes` (the routes table), `candidates` (base_model, field, value, source, priority): what each source
-- says, already placed on a base model by the resolver; a lower priority wins; and `attributions` (source, text).
-- Within a curated source (models.dev's model files, LLM Stats: one file per model version) a base model's earliest
-- release date wins (its first version); otherwise, and for the other fields, the value most of the source's entries
-- give (served copies vote, so one provider's wrong date does not win), then the smallest, so the pick is stable.
WITH said AS (
    SELECT base_model, field, value, source, priority, count(*) AS weight
    FROM candidates WHERE value IS NOT NULL GROUP BY ALL
),
picked AS (
    SELECT base_model, field, value, source FROM said
    QUALIFY row_number() OVER (
        PARTITION BY base_model, field
        ORDER BY priority,
                 CASE WHEN field = 'release_date' AND source IN ('models_dev', 'llm_stats') THEN value END NULLS LAST,
                 weight DESC, value) = 1
),
facts AS (
    SELECT base_model,
           max(value) FILTER (WHERE field = 'display_name') AS display_name,
           max(value) FILTER (WHERE field = 'release_date') AS release_date,
           max(value) FILTER (WHERE field = 'knowledge_cutoff') AS knowledge_cutoff,
           max(value) FILTER (WHERE field = 'open_weights')::BOOLEAN AS open_weights,
           max(value) FILTER (WHERE field = 'parameter_count')::BIGINT AS parameter_count,
           max(value) FILTER (WHERE field = 'docs_url') AS docs_url,
           max(value) FILTER (WHERE field = 'weights_url') AS weights_url,
           map_from_entries(list(struct_pack(k := field, v := source) ORDER BY field)) AS provenance,
           list_sort(list(DISTINCT a.text)) AS attribution
    FROM picked LEFT JOIN attributions a USING (source) GROUP BY base_model
),
catalog AS (
    -- the family the catalog's resolver gives (the most common over the routes, should they ever differ)
    SELECT base_model, mode(family) AS family, count(*) AS routes FROM routes GROUP BY base_model
)
SELECT c.base_model, c.family, f.display_name, f.release_date, f.knowledge_cutoff, f.open_weights,
       f.parameter_count, f.docs_url, f.weights_url, c.routes,
       CASE WHEN c.family IS NULL THEN f.provenance
            ELSE map_concat(coalesce(f.provenance, MAP {}::MAP(VARCHAR, VARCHAR)), MAP {'family': 'resolver'}) END
           AS provenance,
       f.attribution
FROM catalog c LEFT JOIN facts f USING (base_model)
ORDER BY c.base_model
