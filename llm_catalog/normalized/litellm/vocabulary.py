"""What the normalizer knows of the cost map: its limit fields, capabilities, modalities, known extra fields, the
rules that leave an entry out, the shapes of ids and names, and the plausibility bounds."""

from __future__ import annotations

import re

from llm_catalog.text import hidden_class

LIMIT_FIELDS = ("max_input_tokens", "max_output_tokens", "max_tokens")
# shown on every model page: always published, with supported = null when the map is silent
CORE_CAPABILITIES = (
    "vision",
    "function_calling",
    "parallel_function_calling",
    "tool_choice",
    "prompt_caching",
    "reasoning",
    "response_schema",
    "system_messages",
    "audio_input",
    "audio_output",
    "web_search",
    "pdf_input",
    "video_input",
)
MODALITIES = frozenset({"text", "image", "audio", "video", "code"})
# what a mode takes and gives when the map does not list modalities; None: not known
MODE_MODALITIES: dict[str, tuple[list[str], list[str]]] = {
    "chat": (["text"], ["text"]),
    "completion": (["text"], ["text"]),
    "responses": (["text"], ["text"]),
    "embedding": (["text"], ["embedding"]),
    "image_generation": (["text"], ["image"]),
    "image_edit": (["text", "image"], ["image"]),
    "video_generation": (["text"], ["video"]),
    "audio_transcription": (["audio"], ["text"]),
    "audio_speech": (["text"], ["audio"]),
    "realtime": (["text", "audio"], ["text", "audio"]),
    "rerank": (["text"], ["ranking"]),
    "moderation": (["text"], ["classification"]),
    "search": (["text"], ["search_results"]),
    "ocr": (["image"], ["text"]),
}
OUTPUT_VOCABULARY = MODALITIES | {"embedding", "ranking", "classification", "search_results"}
# input modality implied by a capability flag, for chat-like modes
FLAG_INPUTS = {"supports_vision": "image", "supports_audio_input": "audio", "supports_video_input": "video"}

# fields the normalizer knows and keeps verbatim in extra_fields (anything else there is flagged known = false)
KNOWN_EXTRA_FIELDS = frozenset(
    [
        "source",
        "metadata",
        "comment",
        "supported_endpoints",
        "supported_regions",
        "supported_audio_formats",
        "rpm",
        "tpm",
        "output_vector_size",
        "prompt_cache_min_tokens",
        "reasoning_contexts",
        "reasoning_effort_levels",
        "reasoning_modes",
        "default_reasoning_effort",
        "deprecation_source",
        "successor_model",
        "provider_specific_entry",
        "fedramp_uplift_multiplier",
        "regional_endpoint_uplift_multiplier",
        "regional_processing_uplift_multiplier_eu",
        "regional_processing_uplift_multiplier_us",
        "search_free_requests",
        "web_search_billing_unit",
        "thinking_always_on",
        "thinking_on_by_default",
        "bedrock_converse_supports_strict_tools",
        "bedrock_output_config_effort_ceiling",
        "gemini_audio_only_live",
        "gemini_native_audio",
        "use_openai_responses_path",
        "uses_embed_content",
        "vertex_ai_audio_api",
        "audio_transcription_config",
        "token_count_framing",
        "token_count_model",
        "token_count_responses_framing",
        "token_count_responses_tool_framing",
        "token_count_tokenizer",
        "token_count_tool_framing",
        "input_dbu_cost_per_token",
        "output_dbu_cost_per_token",
        "off_peak_pricing.windows",
        "off_peak_pricing.weekday_timezone",
    ]
)
# rules that leave a whole entry out (the others act on one field, or only warn)
ENTRY_RULES = frozenset(
    {
        "documentation_entry",
        "routing_rules",
        "not_an_object",
        "alias_target_missing",
        "missing_provider",
        "invalid_provider",
        "invalid_route_id",
        "no_model_name",
    }
)
# full-match patterns (re.fullmatch): `$` would also match before a trailing newline
PROVIDER_ID = re.compile(r"[A-Za-z0-9_.\-]+")
# a route id is the map's key: 1-256 characters, no whitespace and no hidden code point (llm_catalog.text: controls,
# format characters such as bidirectional overrides and zero-width spaces, private use, surrogates, unassigned)
ROUTE_ID = re.compile(rf"[^\s{hidden_class()}]{{1,256}}")
FIELD_NAME = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,200}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# modes whose output is not generated tokens (a vector, a label, a ranking, media): a zero output limit on one of
# them is what the map means on purpose (omni-moderation states max_output_tokens 0): no cap applies
NO_TOKEN_OUTPUT_MODES = frozenset(mode for mode, (_, outputs) in MODE_MODALITIES.items() if "text" not in outputs)
OUTPUT_LIMIT_FIELDS = ("max_output_tokens", "max_tokens")  # max_tokens: the map's legacy name of the output limit

# plausibility bounds: a value past these is a unit mistake or a typo, left out as a per-field reject
MAX_TOKENS_LIMIT = 100_000_000  # no model has a 100M-token window
# per published unit: (unusual above: published with a price_unusual warning, implausible above: a price_implausible
# reject). Calibrated on 36 real maps, litellm 1.74 to 1.110 (speed-scripts/release_train.py, price top by unit):
# "unusual" sits at or just above the dearest correct real price, "implausible" where only unit mistakes land. Each
# implausible value below was fixed upstream in a later release (jais-30b-chat $3,200 -> $3.20, watsonx granite $2,000
# -> $0.60, gpt-4o-mini web search $50 -> $0.025 per query, the W&B entries removed), which is how they are known to
# be wrong. Past the bound the field is left out and its entry published: a tight bound costs one field, not a sync.
PRICE_BOUNDS: dict[str, tuple[float, float]] = {
    # top 600 (o1-pro output), then 540 (gpt-5.5-pro above 272k); wrong: W&B 5,000-540,000, jais 3,200/9,710,
    # watsonx 1,000-4,000 (a per-1K price typed per token; its 600-625 ones land among the real prices)
    "usd_per_1m_tokens": (600.0, 1_000.0),
    "usd_per_1m_characters": (200.0, 2_000.0),  # top 180: ElevenLabs v3 text to speech ($0.18 per 1K characters)
    "usd_per_1m_pixels": (0.5, 10.0),  # top 0.244: dall-e-2 at 256x256 ($0.016 an image)
    "usd_per_second": (2.0, 20.0),  # top 1.56: seedance-2.0 4K video; veo-3 0.75
    "usd_per_image": (1.0, 20.0),  # top 0.60: Stability creative upscale; 4K gpt-image-2 0.41
    # top 0.14 (a search context price); wrong: gpt-4o-mini-2024-07-18 at 30/35/50, OpenAI's price per 1K calls
    "usd_per_query": (0.2, 5.0),
    "usd_per_request": (0.05, 5.0),  # top 0.005: Perplexity online models
    "usd_per_page": (0.05, 5.0),  # top 0.01: Azure document intelligence
    "usd_per_message": (0.05, 5.0),  # top 0.004: xAI voice text messages
    "usd_per_session": (0.1, 10.0),  # top 0.033: a code-interpreter container session
    "usd_per_credit": (0.1, 10.0),  # top 0.015: Reducto parse credits
    "usd_per_unit": (0.01, 10.0),  # top 0.00075: Bedrock guardrail text units
    "usd_per_1k_calls": (50.0, 1_000.0),  # none in the maps yet; web search APIs charge 5-50 per 1K calls
    "usd_per_gb_day": (1.0, 100.0),  # none in the maps yet; vector storage is about 0.10 per GB-day
}
MAX_PRICE_USD = max(implausible for _, implausible in PRICE_BOUNDS.values())  # the loosest bound, for any unit
