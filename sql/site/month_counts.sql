-- Per month and kind of change (month_changes.sql): the distinct routes it touched and its rows (a route with two
-- capability changes in a month is one route, two changes); with the month's snapshot dates (as_of).
WITH months AS (
    SELECT month, list(DISTINCT as_of ORDER BY as_of) AS dates FROM month_changes GROUP BY month
),
counts AS (
    SELECT month, kind, count(DISTINCT route_id) AS routes, count(*) AS changes FROM month_changes GROUP BY month, kind
)
SELECT month, kind, routes, changes, dates
FROM counts JOIN months USING (month)
ORDER BY month DESC, kind
