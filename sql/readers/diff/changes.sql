-- What changed from the published snapshot $old to the newer $new, read from $new's `changes` table (its history
-- covers every snapshot before it): the rows of the snapshots after $old up to $new, every column (the readable
-- field, old_value and new_value, and the typed columns of each kind), in the order the history step wrote them
-- (sql/history/changes.sql). Two adjacent snapshots: the rows with snapshot_id = $new.
SELECT *
FROM changes
WHERE snapshot_id > $old AND snapshot_id <= $new
ORDER BY snapshot_id, route_id, change, field
