-- Every pair of routes in one comparability block: the pair list of the plain every-pair form.
-- Relations: route_features.
CREATE OR REPLACE VIEW pair_list AS
SELECT a.idx AS ref, b.idx AS other
FROM route_features a JOIN route_features b ON a.block_id = b.block_id AND a.idx <> b.idx
WHERE a.block IS NOT NULL;
