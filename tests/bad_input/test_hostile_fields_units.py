"""Issue 21, defect 7, the parsers alone: a key repeated inside one object is never resolved without a word. In the
cost map it is a warning against the entry and field that hold it (the last copy kept, as LiteLLM does); in the
other JSON sources (json_document: models.dev's api.json, LMArena, OpenRouter, LLM Stats) a BrokenPayloadError
naming the source, the document and the key's path, as any bad value of theirs is."""

import pytest

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.fields import json_document
from llm_catalog.normalized.litellm.normalize import normalize
from llm_catalog.normalized.litellm.payload import parse_payload
from llm_catalog.normalized.lmarena import parse_lmarena
from llm_catalog.normalized.models_dev_api import parse_models_dev_api


def test_a_key_repeated_inside_an_entry_is_filed_under_that_entry_and_field():
    raw = (
        b'{"openai/m": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06,'
        b' "tiered_pricing": [{"range": [0, 10], "range": [0, 20], "input_cost_per_token": 1e-07}],'
        b' "input_cost_per_token": 2e-06}}'
    )
    entries, duplicates = parse_payload(raw)
    assert duplicates == []  # no entry key is repeated: the repeats stay with their entry
    tables = normalize(entries, duplicates=duplicates, provider_names={}).tables
    found = [(r["route_id"], r["field"], r["value"]) for r in tables["rejects"].to_pylist()]
    assert ("openai/m", "input_cost_per_token", "[1e-06, 2e-06]") in found
    assert ("openai/m", "tiered_pricing[0].range", "[[0, 10], [0, 20]]") in found
    prices = {(r["source_field"], r["condition"], r["usd"]) for r in tables["prices"].to_pylist()}
    assert prices == {
        ("input_cost_per_token", None, 2.0),
        ("tiered_pricing[0].input_cost_per_token", "tokens_0_to_20", 0.1),
    }


def test_json_document_refuses_a_repeated_key_naming_the_document_and_its_path():
    with pytest.raises(BrokenPayloadError) as caught:
        json_document("api.json", b'{"p": {"models": [{"id": "a"}, {"id": "b", "id": "c"}]}}', "models_dev_api")
    assert str(caught.value) == (
        "source models_dev_api, entry 'api.json', field 'p.models[1].id': the key appears 2 times in one object: "
        "['b', 'c']"
    )
    assert json_document("api.json", b'{"p": {"id": "a"}, "q": {"id": "a"}}', "s") == {
        "p": {"id": "a"},
        "q": {"id": "a"},
    }


@pytest.mark.parametrize(
    "parse, raw, field",
    [
        (
            parse_models_dev_api,
            b'{"openai": {"models": {"gpt-4o": {"name": "GPT-4o", "name": "GPT-4o mini"}}}}',
            "openai.models.gpt-4o.name",
        ),
        (parse_lmarena, b'{"fetched_at": "2026-01-01", "pages": {}, "pages": {"text": []}}', "pages"),
    ],
)
def test_the_json_sources_refuse_a_repeated_key_too(parse, raw, field):
    with pytest.raises(BrokenPayloadError, match=f"field {field!r}: the key appears 2 times"):
        parse(raw)
