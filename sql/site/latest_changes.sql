-- The latest diff in the snapshot's changes table (the one that made this snapshot, or the last before it when it
-- changed nothing), largest moves first within each kind of change.
SELECT *
FROM changes
WHERE snapshot_id = (SELECT max(snapshot_id) FROM changes)
ORDER BY change, abs(relative_change) DESC NULLS LAST, route_id, field
