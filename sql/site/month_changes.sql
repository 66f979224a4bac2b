-- Every row of the snapshot's changes table (its history up to the snapshot) with the month of its snapshot's as_of,
-- the kind the "What changed" page counts it under (a price change is up, down, or other: a price that appeared or
-- went; a correction, a source that corrected itself to agree with the others, is its own kind), and its rank among
-- the month's price changes by size of relative change (null: no relative change, or a correction).
-- Latest month first; within a month by kind, biggest moves first, then route.
WITH kinded AS (
    SELECT *, strftime(as_of, '%Y-%m') AS month,
           CASE WHEN change <> 'price' THEN change
                WHEN new_usd > old_usd THEN 'price_up'
                WHEN new_usd < old_usd THEN 'price_down'
                ELSE 'price_other' END AS kind
    FROM changes
)
SELECT *,
       CASE WHEN change = 'price' AND relative_change IS NOT NULL THEN row_number() OVER (
           PARTITION BY month, change = 'price' AND relative_change IS NOT NULL
           ORDER BY abs(relative_change) DESC, route_id, field) END AS move_rank
FROM kinded
ORDER BY month DESC, kind, abs(relative_change) DESC NULLS LAST, as_of, route_id, field
