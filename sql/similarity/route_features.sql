-- One row per route with everything the similarity stage compares, packed for fast pair arithmetic.
-- Relations: routes, prices, limits, capabilities.
--   block      comparability block: only routes of one block are compared (a chat route is never "similar" to an
--              image generator or a reranker); routes with no mode have none and are not compared.
--   io_mask    input modalities in bits 0-7, output modalities in bits 8-16 (listed by the map, or implied by the
--              mode and the vision/audio/video flags).
--   io_absent  the modalities known NOT to be there: every unlisted one when the map lists the route's modalities,
--              and those a flag states false (supports_vision = false: no image input); the rest are unknown.
--   cap_true / cap_known   the 13 page capabilities as bit masks: supported, and stated either way.
--   candidate  may be listed as a similar model: not a duplicate or alias key, needs nothing of the user's own
--              (routes.requires_own), and the cheapest of its variants: the routes of one base model on one
--              provider (regions, geography prefixes, dated keys, deployment types) are one candidate, the cheapest
--              on the block's price basis (then the first route_id); `variants` counts what it stands for.
--   q1..q3 / h1..h3  the base model's positions on the quality scales (quality.sql) and whether it has one;
--              has_quality: any of them.
--   unit_price the block's price basis: tokens blended 3 input : 1 output per 1M (chat, embedding, rerank, ...),
--              per image (image), per second (video, transcription), per 1M characters (speech).
WITH base_prices AS (
    SELECT route_id,
           max(usd) FILTER (WHERE price_kind = 'input' AND unit = 'usd_per_1m_tokens') AS input_tokens,
           max(usd) FILTER (WHERE price_kind = 'output' AND unit = 'usd_per_1m_tokens') AS output_tokens,
           max(usd) FILTER (WHERE price_kind = 'output_image' AND unit = 'usd_per_image') AS per_image,
           max(usd) FILTER (WHERE price_kind IN ('output', 'output_video') AND unit = 'usd_per_second') AS output_per_second,
           max(usd) FILTER (WHERE price_kind IN ('input', 'input_audio') AND unit = 'usd_per_second') AS input_per_second,
           max(usd) FILTER (WHERE price_kind = 'input' AND unit = 'usd_per_1m_characters') AS per_1m_characters
    FROM prices
    WHERE tier = 'standard' AND condition IS NULL
    GROUP BY route_id
),
caps AS (
    SELECT route_id,
           sum(CASE WHEN supported THEN bit ELSE 0 END)::INTEGER AS cap_true,
           sum(CASE WHEN supported IS NOT NULL THEN bit ELSE 0 END)::INTEGER AS cap_known
    FROM capabilities
    JOIN (VALUES ('vision', 1), ('function_calling', 2), ('parallel_function_calling', 4), ('tool_choice', 8),
                 ('prompt_caching', 16), ('reasoning', 32), ('response_schema', 64), ('system_messages', 128),
                 ('audio_input', 256), ('audio_output', 512), ('web_search', 1024), ('pdf_input', 2048),
                 ('video_input', 4096)) AS page(capability, bit) USING (capability)
    GROUP BY route_id
),
modality_bits(direction, modality, bit) AS (
    VALUES ('input', 'text', 1), ('input', 'image', 2), ('input', 'audio', 4), ('input', 'video', 8),
           ('input', 'code', 16),
           ('output', 'text', 256), ('output', 'image', 512), ('output', 'audio', 1024), ('output', 'video', 2048),
           ('output', 'code', 4096), ('output', 'embedding', 8192), ('output', 'ranking', 16384),
           ('output', 'classification', 32768), ('output', 'search_results', 65536)
),
io AS (
    SELECT r.route_id, coalesce(sum(DISTINCT m.bit), 0)::INTEGER AS io_mask,
           any_value(r.modalities_stated) AS modalities_stated
    FROM routes r
    LEFT JOIN (
        SELECT route_id, 'input' AS direction, unnest(input_modalities) AS modality FROM routes
        UNION ALL
        SELECT route_id, 'output', unnest(output_modalities) FROM routes
    ) listed USING (route_id)
    LEFT JOIN modality_bits m USING (direction, modality)
    GROUP BY r.route_id
),
featured AS (
    SELECT
        r.route_id, r.provider, r.provider_name, r.base_model, r.family, r.mode,
        CASE
            WHEN r.mode IN ('chat', 'completion', 'responses') THEN 'chat'
            WHEN r.mode IN ('image_generation', 'image_edit') THEN 'image'
            WHEN r.mode IN ('embedding', 'rerank', 'moderation', 'search', 'ocr', 'realtime', 'video_generation',
                            'audio_transcription', 'audio_speech') THEN r.mode
        END AS block,
        io.io_mask,
        (CASE WHEN io.modalities_stated THEN (SELECT sum(bit) FROM modality_bits)::INTEGER & ~io.io_mask ELSE 0 END
         -- a flag stated false: vision (1) -> image in (2), audio_input (256) -> audio in (4),
         -- video_input (4096) -> video in (8), audio_output (512) -> audio out (1024)
         | CASE WHEN coalesce(caps.cap_known & ~caps.cap_true, 0) & 1 <> 0 THEN 2 ELSE 0 END
         | CASE WHEN coalesce(caps.cap_known & ~caps.cap_true, 0) & 256 <> 0 THEN 4 ELSE 0 END
         | CASE WHEN coalesce(caps.cap_known & ~caps.cap_true, 0) & 4096 <> 0 THEN 8 ELSE 0 END
         | CASE WHEN coalesce(caps.cap_known & ~caps.cap_true, 0) & 512 <> 0 THEN 1024 ELSE 0 END
        ) & ~io.io_mask AS io_absent,
        coalesce(caps.cap_true, 0) AS cap_true,
        coalesce(caps.cap_known, 0) AS cap_known,
        l.context_window, l.max_output_tokens,
        p.input_tokens, p.output_tokens,
        r.duplicate_of IS NULL AND r.alias_of IS NULL AND r.requires_own IS NULL AS listable,
        p.per_image, p.output_per_second, p.input_per_second, p.per_1m_characters,
        coalesce(q.q1, 0.0) AS q1, coalesce(q.h1, 0.0) AS h1, coalesce(q.q2, 0.0) AS q2, coalesce(q.h2, 0.0) AS h2,
        coalesce(q.q3, 0.0) AS q3, coalesce(q.h3, 0.0) AS h3
    FROM routes r
    JOIN io USING (route_id)
    LEFT JOIN caps USING (route_id)
    LEFT JOIN limits l USING (route_id)
    LEFT JOIN base_prices p USING (route_id)
    LEFT JOIN model_quality q ON q.base_model = r.base_model
)
SELECT
    (row_number() OVER (ORDER BY route_id) - 1)::INTEGER AS idx,  -- route_id order: ties break by route_id
    route_id, provider, provider_name, base_model, family, mode,
    dense_rank() OVER (ORDER BY base_model)::INTEGER AS model_id,  -- an integer to compare base models by
    CASE WHEN io_mask <> 0 THEN block END AS block,
    dense_rank() OVER (ORDER BY CASE WHEN io_mask <> 0 THEN block END)::INTEGER AS block_id,
    io_mask, io_absent, 1.0 / greatest(bit_count(io_mask), 1) AS inv_n_io,
    cap_true, cap_known, cap_known & ~cap_true AS cap_false,
    -- the weight of what a states, for the capability score: 1 per supported capability, 0.5 per one stated false
    bit_count(cap_true) + 0.5 * bit_count(cap_known & ~cap_true) AS cap_weight,
    context_window, input_tokens, output_tokens, unit_price, price_basis,
    CASE WHEN unit_price IS NULL THEN 'unpriced' WHEN unit_price = 0 THEN 'free' ELSE 'priced' END AS price_status,
    -- logs with a 0/1 "known" flag beside them, so that pair arithmetic needs no NULL branches
    coalesce(log10(greatest(unit_price, 0.001)), 0.0) AS log_price,  -- free sits at the floor of $0.001 a unit
    CASE WHEN unit_price IS NULL THEN 0.0 ELSE 1.0 END AS has_price,
    coalesce(log2(context_window), 0.0) AS log_context,
    CASE WHEN context_window IS NULL THEN 0.0 ELSE 1.0 END AS has_context,
    max_output_tokens, coalesce(log2(max_output_tokens), 0.0) AS log_output,
    CASE WHEN max_output_tokens IS NULL THEN 0.0 ELSE 1.0 END AS has_output,
    q1, h1, q2, h2, q3, h3, greatest(h1, h2, h3) AS has_quality,
    listable, listable AND variant_rank = 1 AS candidate,
    CASE WHEN listable AND variant_rank = 1 THEN variants END AS variants,
    -- filled by profiles.sql: the route's profile and its class's representative
    NULL::INTEGER AS pid, NULL::INTEGER AS rep
FROM (
    SELECT *,
        row_number() OVER variant_group AS variant_rank,
        count(*) FILTER (WHERE listable) OVER (PARTITION BY listable, provider, base_model, block) AS variants
    FROM (
    SELECT *,
        CASE block
            WHEN 'image' THEN per_image
            WHEN 'video_generation' THEN output_per_second
            WHEN 'audio_transcription' THEN coalesce(input_per_second, (3 * input_tokens + coalesce(output_tokens, 0)) / 4)
            WHEN 'audio_speech' THEN coalesce(per_1m_characters, (3 * input_tokens + coalesce(output_tokens, 0)) / 4)
            ELSE CASE WHEN input_tokens IS NOT NULL OR output_tokens IS NOT NULL
                      THEN (3 * coalesce(input_tokens, 0) + coalesce(output_tokens, 0)) / 4 END
        END AS unit_price,
        CASE block
            WHEN 'image' THEN 'usd_per_image'
            WHEN 'video_generation' THEN 'usd_per_second'
            WHEN 'audio_transcription' THEN CASE WHEN input_per_second IS NOT NULL THEN 'usd_per_second'
                                                 ELSE 'usd_per_1m_tokens_3in_1out' END
            WHEN 'audio_speech' THEN CASE WHEN per_1m_characters IS NOT NULL THEN 'usd_per_1m_characters'
                                          ELSE 'usd_per_1m_tokens_3in_1out' END
            ELSE 'usd_per_1m_tokens_3in_1out'
        END AS price_basis
    FROM featured
    )
    WINDOW variant_group AS (PARTITION BY listable, provider, base_model, block ORDER BY unit_price NULLS LAST, route_id)
)
