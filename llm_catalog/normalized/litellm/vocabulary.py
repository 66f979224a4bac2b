"""What the normalizer knows of the cost map: its limit fields, capabilities, modalities, known extra fields, the
rules that leave an entry out, the shapes of ids and names, and the plausibility bounds."""

from __future__ import annotations

import re

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
    }
)
# full-match patterns (re.fullmatch): `$` would also match before a trailing newline
PROVIDER_ID = re.compile(r"[A-Za-z0-9_.\-]+")
# a route id is the map's key: printable, no whitespace or control characters, no lone surrogates, 1-256 characters
ROUTE_ID = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,256}")
FIELD_NAME = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,200}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# plausibility bounds: a value past these is a unit mistake or a typo, left out as a per-field reject
MAX_TOKENS_LIMIT = 100_000_000  # no model has a 100M-token window
MAX_PRICE_USD = 1_000.0  # per published unit (per 1M tokens, per image, per second, ...); the real top is 600
