"""The normalizer's small units on their own: the depth cut and value_problem, token limits, prices, tier ranges,
and modalities (the map-level tests in test_litellm_map.py reach them only through whole entries)."""

import json

import pytest

from llm_catalog.normalized.litellm.fields import limit_value, token_limit
from llm_catalog.normalized.litellm.modalities import route_modalities, stated_modalities
from llm_catalog.normalized.litellm.payload import MAX_DEPTH, cut_deep, parse_payload, value_problem
from llm_catalog.normalized.litellm.prices import is_range, to_price
from llm_catalog.normalized.litellm.rows import TableRows
from llm_catalog.normalized.litellm.vocabulary import MAX_TOKENS_LIMIT


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_text_within_the_depth_limit_is_left_as_it_is():
    text = '{"a": {"b": ' + nested(MAX_DEPTH - 2) + ', "s": "[[[[ not brackets ]"}}'
    assert cut_deep(text) == text


def test_a_subtree_past_the_limit_is_cut_to_a_marker_that_value_problem_names():
    text = '{"m": {"deep": ' + nested(MAX_DEPTH + 8) + ', "ok": 1}}'
    entries, _ = parse_payload(text.encode())
    assert entries["m"]["ok"] == 1
    rule, message = value_problem(entries["m"]["deep"])
    assert rule == "value_too_deep"
    assert f"nested {MAX_DEPTH + 10} levels deep" in message


def test_value_problem_names_big_integers_and_unencodable_text_anywhere_in_a_value():
    entries, _ = parse_payload(b'{"m": {"n": [1, {"x": -' + b"9" * 40 + b"}]}}")
    assert value_problem(entries["m"]["n"]) == ("number_out_of_range", "an integer of 40 digits is out of range")
    assert value_problem({"\ud800": 1})[0] == "not_encodable"
    assert value_problem(["é", {"k": [None, True, 1.5]}]) is None
    assert value_problem(10**29) is None


@pytest.mark.parametrize(
    "value, rule",
    [
        ("8192", "limit_not_a_number"),
        (True, "limit_not_a_number"),
        (1.5, "limit_not_integer"),
        (float("inf"), "limit_not_integer"),
        (-1, "limit_negative"),
        (MAX_TOKENS_LIMIT + 1, "limit_implausible"),
        (1e300, "limit_implausible"),
    ],
)
def test_a_token_limit_that_is_not_one_names_its_rule(value, rule):
    with pytest.raises(ValueError) as raised:
        token_limit(value)
    assert raised.value.args[0] == rule


@pytest.mark.parametrize(
    "name, mode, rule, severity",
    [
        ("max_output_tokens", "moderation", "limit_not_applicable", "info"),  # omni-moderation, on purpose
        ("max_tokens", "moderation", "limit_not_applicable", "info"),
        ("max_output_tokens", "embedding", "limit_not_applicable", "info"),
        ("max_output_tokens", "rerank", "limit_not_applicable", "info"),
        ("max_input_tokens", "embedding", "limit_zero", "warning"),  # vercel's placeholder for an unknown window
        ("max_output_tokens", "chat", "limit_zero", "warning"),  # a chat route generates tokens: 0 means unknown
        ("max_output_tokens", "audio_transcription", "limit_zero", "warning"),  # it writes text
        ("max_output_tokens", None, "limit_zero", "warning"),
    ],
)
def test_a_zero_limit_is_null_and_recorded_as_not_applicable_or_unknown_never_an_error(name, mode, rule, severity):
    out = TableRows()
    assert limit_value(out, "r", name, 0, mode) is None
    assert [(r["field"], r["value"], r["rule"], r["severity"]) for r in out.rows["rejects"]] == [
        (name, "0", rule, severity)
    ]


def test_a_limit_that_is_truly_wrong_is_an_error_whatever_the_mode():
    out = TableRows()
    assert limit_value(out, "r", "max_output_tokens", -5, "moderation") is None
    assert limit_value(out, "r", "max_output_tokens", 8192.0, "chat") == 8192
    assert [(r["rule"], r["severity"]) for r in out.rows["rejects"]] == [("limit_negative", "error")]


def test_a_whole_float_limit_becomes_an_integer():
    assert token_limit(131072.0) == 131072 and isinstance(token_limit(131072.0), int)


@pytest.mark.parametrize(
    "value, rule",
    [
        ("0.1", "price_not_a_number"),
        (False, "price_not_a_number"),
        (float("nan"), "price_not_finite"),
        (-1e-9, "price_negative"),
    ],
)
def test_a_price_that_is_not_one_names_its_rule(value, rule):
    with pytest.raises(ValueError) as raised:
        to_price(value)
    assert raised.value.args[0] == rule


def test_integer_prices_are_floats():
    assert to_price(0) == 0.0 and isinstance(to_price(0), float)


@pytest.mark.parametrize(
    "span, valid",
    [
        ([0, 256000], True),
        ([5, 5], True),
        ([0.0, 1e6], True),
        ([10, 1], False),
        ([0, 1.5], False),
        ([False, 1], False),
        ([0, MAX_TOKENS_LIMIT + 1], False),
        ([0], False),
        ((0, 1), False),
        ("0-1", False),
    ],
)
def test_a_tier_range_is_two_whole_numbers_in_order(span, valid):
    assert is_range(span) is valid


def test_modalities_are_inferred_from_the_mode_and_widened_by_flags():
    assert route_modalities("chat", {"supports_vision": True, "supports_audio_output": True}, None, None) == (
        ["image", "text"],
        ["audio", "text"],
    )
    assert route_modalities("embedding", {"supports_embedding_image_input": True}, None, None) == (
        ["image", "text"],
        ["embedding"],
    )
    assert route_modalities("completion", {"supports_audio_output": True}, None, None) == (["text"], ["text"])
    assert route_modalities("no_such_mode", {}, None, None) == (None, None)
    assert route_modalities("chat", {"supports_vision": True}, ["audio"], None) == (["audio"], ["text"])


def test_stated_modalities_are_sorted_lower_case_and_odd_ones_are_rejected():
    out = TableRows()
    assert stated_modalities(out, "r", "supported_modalities", ["Text", "image", "text"]) == ["image", "text"]
    assert stated_modalities(out, "r", "supported_modalities", ["smell"]) == ["smell"]
    assert stated_modalities(out, "r", "supported_output_modalities", []) is None
    assert [(r["rule"], r["severity"], json.loads(r["value"])) for r in out.rows["rejects"]] == [
        ("modality_unknown", "warning", ["smell"]),
        ("modalities_not_a_list", "error", []),
    ]
