-- How the changes table writes a price key, an amount, a limit and a flag for a person to read (sql/history/changes.sql
-- and changes_upgrade.sql run this first): one label per price key, e.g. 'input price per 1M tokens',
-- 'cache read price per 1M tokens, above 200K tokens', 'output price per image, batch tier'.
CREATE OR REPLACE TEMP MACRO usd_text(usd) AS
    '$' || CASE WHEN usd = 0 OR abs(usd) >= 1e-9 THEN rtrim(rtrim(printf('%.10f', usd::DOUBLE), '0'), '.') ELSE usd::VARCHAR END;
CREATE OR REPLACE TEMP MACRO unit_text(unit) AS
    CASE unit WHEN 'usd_per_gb_day' THEN 'per GB-day'
    ELSE regexp_replace(regexp_replace(replace(regexp_replace(unit, '^usd_', ''), '_', ' '), '\b1m\b', '1M'), '\b1k\b', '1K')
    END;
-- above_200k_tokens -> above 200K tokens; tokens_0_to_32000 -> 0 to 32000 tokens; a list (a,b) -> a, b
CREATE OR REPLACE TEMP MACRO condition_text(condition) AS
    array_to_string(list_transform(string_split(condition, ','), lambda c: regexp_replace(replace(
        regexp_replace(c, '^tokens_(\d+)_to_(\d+)$', '\1 to \2 tokens'), '_', ' '), '(\d)k\b', '\1K', 'g')), ', ');
CREATE OR REPLACE TEMP MACRO price_text(price_kind, tier, condition, unit) AS
    concat_ws(', ', replace(price_kind, '_', ' ') || ' price ' || unit_text(unit),
              CASE WHEN tier <> 'standard' THEN replace(tier, '_', ' ') || ' tier' END, condition_text(condition));
CREATE OR REPLACE TEMP MACRO limit_text(tokens) AS format('{:,}', tokens);
CREATE OR REPLACE TEMP MACRO supported_text(supported) AS
    CASE WHEN supported THEN 'supported' WHEN NOT supported THEN 'not supported' ELSE 'not stated' END;
