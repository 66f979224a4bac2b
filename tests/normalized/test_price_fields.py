"""The price-field grammar, on field names taken from the real map."""

import pytest

from llm_catalog.normalized.price_fields import PRICE_UNITS, parse_price_field


@pytest.mark.parametrize(
    "name, kind, unit, factor, tier, condition",
    [
        ("input_cost_per_token", "input", "usd_per_1m_tokens", 1e6, "standard", None),
        ("output_cost_per_token_batches", "output", "usd_per_1m_tokens", 1e6, "batch", None),
        ("cache_read_input_token_cost", "cache_read", "usd_per_1m_tokens", 1e6, "standard", None),
        (
            "cache_creation_input_token_cost_above_1hr",
            "cache_write",
            "usd_per_1m_tokens",
            1e6,
            "standard",
            "cache_ttl_1h",
        ),
        (
            "cache_creation_input_token_cost_above_12hr_above_272k_tokens_priority",
            "cache_write",
            "usd_per_1m_tokens",
            1e6,
            "priority",
            "cache_ttl_12h,above_272k_tokens",
        ),
        ("input_cost_per_token_above_200k_tokens", "input", "usd_per_1m_tokens", 1e6, "standard", "above_200k_tokens"),
        ("input_cost_per_audio_token", "input_audio", "usd_per_1m_tokens", 1e6, "standard", None),
        ("input_cost_per_audio_per_second", "input_audio", "usd_per_second", 1.0, "standard", None),
        ("output_cost_per_reasoning_token", "reasoning", "usd_per_1m_tokens", 1e6, "standard", None),
        ("output_cost_per_image", "output_image", "usd_per_image", 1.0, "standard", None),
        ("output_cost_per_image_1024", "output_image", "usd_per_image", 1.0, "standard", "size_1024"),
        ("output_cost_per_image_0.5K", "output_image", "usd_per_image", 1.0, "standard", "size_0.5k"),
        ("output_cost_per_second_1080p", "output", "usd_per_second", 1.0, "standard", "resolution_1080p"),
        (
            "input_cost_per_video_per_second_above_8s_interval",
            "input_video",
            "usd_per_second",
            1.0,
            "standard",
            "above_8s_interval",
        ),
        ("input_cost_per_character", "input", "usd_per_1m_characters", 1e6, "standard", None),
        ("input_cost_per_pixel", "input_image", "usd_per_1m_pixels", 1e6, "standard", None),
        ("input_cost_per_token_cache_hit", "input", "usd_per_1m_tokens", 1e6, "standard", "cache_hit"),
        ("explicit_cache_read_input_token_cost", "cache_read", "usd_per_1m_tokens", 1e6, "standard", "explicit_cache"),
        ("search_context_cost_per_query", "web_search", "usd_per_query", 1.0, "standard", None),
        ("computer_use_input_cost_per_1k_tokens", "computer_use_input", "usd_per_1m_tokens", 1e3, "standard", None),
        ("ocr_cost_per_page_batches", "ocr", "usd_per_page", 1.0, "batch", None),
        ("cost_per_second", "usage", "usd_per_second", 1.0, "standard", None),
        ("vector_store_cost_per_gb_per_day", "vector_store", "usd_per_gb_day", 1.0, "standard", None),
        # the dollar prices litellm 1.79-1.90 maps state that once stayed in extra_fields
        # (speed-scripts/price_fields.py)
        ("output_cost_per_image_premium_image", "output_image", "usd_per_image", 1.0, "standard", "premium_image"),
        (
            "output_cost_per_image_above_512_and_512_pixels",
            "output_image",
            "usd_per_image",
            1.0,
            "standard",
            "above_512x512_pixels",
        ),
        (
            "output_cost_per_image_above_512_and_512_pixels_and_premium_image",
            "output_image",
            "usd_per_image",
            1.0,
            "standard",
            "above_512x512_pixels,premium_image",
        ),
        (
            "output_cost_per_image_above_1024_and_1024_pixels",
            "output_image",
            "usd_per_image",
            1.0,
            "standard",
            "above_1024x1024_pixels",
        ),
        (
            "output_cost_per_image_above_1024_and_1024_pixels_and_premium_image",
            "output_image",
            "usd_per_image",
            1.0,
            "standard",
            "above_1024x1024_pixels,premium_image",
        ),
        ("cache_read_input_token_cost_per_audio_token", "cache_read_audio", "usd_per_1m_tokens", 1e6, "standard", None),
        ("input_cost_per_token_batch_requests", "input", "usd_per_1m_tokens", 1e6, "batch", None),
    ],
)
def test_parses_real_field_names(name, kind, unit, factor, tier, condition):
    parsed = parse_price_field(name)
    assert parsed is not None, name
    assert (parsed.price_kind, parsed.unit, parsed.factor, parsed.tier, parsed.condition) == (
        kind,
        unit,
        factor,
        tier,
        condition,
    )
    assert parsed.unit in PRICE_UNITS


@pytest.mark.parametrize(
    "name",
    [
        "input_dbu_cost_per_token",  # Databricks Units, not dollars
        "input_cost_per_token_batches_flex",  # two service tiers: not a shape the map uses
        "input_cost_per_token_someday",  # an unknown qualifier is not guessed at
        "max_input_tokens",
        "supports_vision",
        "source",
    ],
)
def test_refuses_names_outside_the_grammar(name):
    assert parse_price_field(name) is None


def test_every_cost_field_of_the_real_map_is_parsed_or_deliberately_kept_aside(bundled_map):
    names = {f for entry in bundled_map.values() if isinstance(entry, dict) for f in entry if "cost" in f}
    unparsed = {n for n in names if parse_price_field(n) is None}
    assert unparsed == {"input_dbu_cost_per_token", "output_dbu_cost_per_token"}
