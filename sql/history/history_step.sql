-- One step of a value history: the runs so far (previous) and the values of the new snapshot (current) give the
-- runs after it. A run is one value of one series (e.g. one price of one route) from valid_from up to valid_to, the
-- as_of of the snapshot where it changed or disappeared (null while current).
-- previous(key, series, value, valid_from, valid_to) and current(key, series, value): key is the series as text.
CREATE OR REPLACE MACRO history_step(previous, current, as_of) AS TABLE
WITH open_runs AS (SELECT * FROM query_table(previous) WHERE valid_to IS NULL),
continuing AS (
    SELECT o.key, o.series, o.value, o.valid_from, NULL::DATE AS valid_to
    FROM open_runs o JOIN query_table(current) c ON c.key = o.key AND c.value IS NOT DISTINCT FROM o.value
)
SELECT key, series, value, valid_from, valid_to FROM query_table(previous) WHERE valid_to IS NOT NULL
UNION ALL SELECT * FROM continuing
UNION ALL  -- runs that end here: changed or gone (a run replaced on the day it began held for no period)
SELECT key, series, value, valid_from, as_of::DATE FROM open_runs
WHERE key NOT IN (SELECT key FROM continuing) AND valid_from < as_of::DATE
UNION ALL  -- runs that start here: new series, or a new value
SELECT key, series, value, as_of::DATE, NULL::DATE FROM query_table(current)
WHERE key NOT IN (SELECT key FROM continuing);
