-- Every route's lists: its class representative's (profiles.sql), which the top-K kernel computed.
-- Relations: route_features, class_lists.
CREATE OR REPLACE TEMP TABLE similar_lists AS
SELECT f.idx AS ref, l.overall, l.cost, l.modality, l.capabilities, l.context, l.quality
FROM route_features f JOIN class_lists l ON l.ref = f.rep;
