-- Every price of the batch's routes: standard tier without condition first, as the page lists them; each with whose
-- word it is: the source chosen, every source stating it, those agreeing and the rule that chose (a {placeholder} is
-- NULL in a snapshot from before the column: llm_catalog.readers.page.LATER_COLUMNS).
SELECT route_id, price_kind, tier, condition, unit, usd, source_field,
       {source} AS source, {sources_stating} AS sources_stating, {sources_agreeing} AS sources_agreeing, {rule} AS rule
FROM prices
WHERE route_id IN (SELECT unnest($routes))
ORDER BY route_id, tier <> 'standard', condition IS NOT NULL, price_kind, tier, condition, unit
