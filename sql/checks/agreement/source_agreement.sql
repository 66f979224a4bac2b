-- How far each pricing source agrees with the prices the catalog chose, per source (provider null) and per
-- (source, provider): the routes it states a price for, the contested ones (where another source states one of the
-- same prices too: only there can it disagree), and the disagreeing ones (at least one of its price statements is
-- not among those agreeing with the chosen value); `listed` is the routes it lists at all (route_sources).
-- Relations: prices, routes, route_sources.
WITH statements AS (
    SELECT route_id, unnest(sources_stating) AS source, sources_agreeing, len(sources_stating) > 1 AS contested
    FROM prices
),
by_route AS (
    SELECT s.source, s.route_id, r.provider,
           bool_or(s.contested) AS contested,
           bool_or(NOT list_contains(s.sources_agreeing, s.source)) AS disagrees
    FROM statements s LEFT JOIN routes r USING (route_id)
    GROUP BY s.source, s.route_id, r.provider
),
counted AS (
    SELECT source, provider, grouping(provider) = 1 AS whole_source,
           count(*) AS routes,
           count(*) FILTER (WHERE contested) AS contested_routes,
           count(*) FILTER (WHERE disagrees) AS disagreeing_routes
    FROM by_route
    GROUP BY GROUPING SETS ((source), (source, provider))
),
listed AS (
    SELECT rs.source, r.provider, grouping(r.provider) = 1 AS whole_source, count(DISTINCT rs.route_id) AS listed_routes
    FROM route_sources rs LEFT JOIN routes r USING (route_id)
    GROUP BY GROUPING SETS ((rs.source), (rs.source, r.provider))
)
SELECT c.source, c.provider, c.whole_source, coalesce(l.listed_routes, 0) AS listed_routes,
       c.routes, c.contested_routes, c.disagreeing_routes,
       c.disagreeing_routes / c.routes AS share,
       c.disagreeing_routes / nullif(c.contested_routes, 0) AS contested_share
FROM counted c
LEFT JOIN listed l
       ON l.source = c.source AND l.whole_source = c.whole_source AND l.provider IS NOT DISTINCT FROM c.provider
ORDER BY c.source, c.whole_source DESC, c.disagreeing_routes DESC, c.provider
