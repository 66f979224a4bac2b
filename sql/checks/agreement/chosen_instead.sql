-- Whose value the catalog chose over each source's disagreeing statements, and by which rule: a source whose share
-- rose because a newer source now wins on recency reads differently from one outvoted by the others.
-- Relations: disagreeing_statements (disagreeing_statements.sql).
SELECT source, chosen_source, rule, count(*) AS statements, count(DISTINCT route_id) AS routes
FROM disagreeing_statements
GROUP BY source, chosen_source, rule
ORDER BY source, statements DESC, chosen_source, rule
