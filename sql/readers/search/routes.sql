-- Routes ranked by how well they match a search text: $q (lowercased, trimmed) and $base (the text through the
-- model-name resolver, e.g. 'openai/gpt-4o' -> 'gpt-4o') and $bare (the text without its first path segment,
-- 'openai/gpt-4o' -> 'gpt-4o', so a provider-qualified name finds the route of that provider). Each field gives a score in 0..1 and the best one wins:
-- an exact route id first, then the route's own model name or its base model, then fuzzy matches (Jaro-Winkler on
-- the route id, its model name, base model, family and provider name; a field that contains the text scores at
-- least 0.85). `matched` says which field decided.
WITH scored AS (
    SELECT route_id, provider_name, base_model, family, mode,
           [
             {'field': 'route id',  'score': CASE WHEN lower(route_id) = $q THEN 1.0
                                                  WHEN lower(route_id) = $bare THEN 0.995
                                                  WHEN contains(lower(route_id), $q) THEN 0.85 + 0.1 * length($q) / length(route_id)
                                                  ELSE 0.95 * jaro_winkler_similarity(lower(route_id), $q) END},
             {'field': 'model',     'score': CASE WHEN lower(model) IN ($q, $base) THEN 0.99
                                                  ELSE 0.95 * jaro_winkler_similarity(lower(model), $q) END},
             {'field': 'base model', 'score': CASE WHEN base_model IN ($q, $base) THEN 0.98
                                                   WHEN contains(base_model, $q) THEN 0.85 + 0.1 * length($q) / length(base_model)
                                                   ELSE 0.95 * jaro_winkler_similarity(base_model, $q) END},
             {'field': 'family',    'score': CASE WHEN family = $q THEN 0.9
                                                  ELSE 0.8 * coalesce(jaro_winkler_similarity(family, $q), 0) END},
             {'field': 'provider',  'score': CASE WHEN lower(provider_name) = $q OR lower(provider) = $q THEN 0.9
                                                  ELSE 0.8 * coalesce(jaro_winkler_similarity(lower(provider_name), $q), 0) END}
           ] AS fields
    FROM routes
    WHERE duplicate_of IS NULL OR duplicate_of = route_id
)
SELECT route_id, provider_name, base_model, family, mode,
       round(list_max([f.score FOR f IN fields]), 3) AS score,
       [f.field FOR f IN fields IF f.score = list_max([g.score FOR g IN fields])][1] AS matched
FROM scored
ORDER BY score DESC, length(route_id), route_id
LIMIT $limit
