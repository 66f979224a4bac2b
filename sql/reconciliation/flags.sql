-- the known failure classes of a source's price: they never win
-- unit_slip: 1000x (within 0.5%) another source's value for the same key (a per-1K / per-token slip); of the two,
--   the one with less support slipped, and on equal support the larger one (a per-1K price written per token)
-- cache_price_in_input: an input price equal (within 0.5%) to another source's cache-read price of the same route,
--   tier, condition and unit, while the other sources stating this input agree on a different value
-- zero_placeholder: a price of 0 where another source states a positive price for the same key (a map's 0 for a
--   price it does not know, as litellm writes for new routes)
CREATE OR REPLACE TABLE flags AS
WITH stated AS (
    SELECT s.*, sp.support FROM statements s JOIN support sp USING (key_id, source) WHERE s.kind = 'price'
), slips AS (
    SELECT DISTINCT x.key_id, x.source, 'unit_slip' AS flag
    FROM stated x JOIN stated y ON x.key_id = y.key_id AND x.source <> y.source
    WHERE x.value > 0 AND y.value > 0
      AND (agrees('price', x.value, 1000 * y.value) OR agrees('price', y.value, 1000 * x.value))
      AND (y.support > x.support OR (y.support = x.support AND x.value > y.value))
), other_inputs AS (
    SELECT x.key_id, x.source, min(o.value) AS low, max(o.value) AS high
    FROM stated x JOIN stated o ON o.key_id = x.key_id AND o.source <> x.source
    WHERE x.price_kind = 'input'
    GROUP BY x.key_id, x.source
), cache_in_input AS (
    SELECT DISTINCT x.key_id, x.source, 'cache_price_in_input' AS flag
    FROM stated x
    JOIN other_inputs o ON o.key_id = x.key_id AND o.source = x.source
    JOIN stated c ON c.route_id = x.route_id AND c.price_kind = 'cache_read' AND c.tier = x.tier
        AND c.condition IS NOT DISTINCT FROM x.condition AND c.unit = x.unit AND c.source <> x.source
    WHERE x.price_kind = 'input' AND agrees('price', x.value, c.value)
      AND agrees('price', o.low, o.high) AND NOT agrees('price', x.value, o.high)
)
, zeros AS (
    SELECT DISTINCT x.key_id, x.source, 'zero_placeholder' AS flag
    FROM stated x JOIN stated y ON x.key_id = y.key_id AND x.source <> y.source
    WHERE x.value = 0 AND y.value > 0
)
SELECT * FROM slips
UNION ALL
SELECT c.* FROM cache_in_input c ANTI JOIN slips s USING (key_id, source)
UNION ALL
SELECT z.* FROM zeros z;
