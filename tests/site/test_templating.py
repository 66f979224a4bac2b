"""Every value a page shows passes text.visible: the template environment's finalize gives the same text as
text.visible for any string (its fast path for printable text included), and leaves markup and numbers as they are."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from llm_catalog.site.compare import script_json
from llm_catalog.site.templating import environment, shown
from llm_catalog.text import visible


class Label(str):
    """A str subclass that is not Markup: still made visible."""


@given(st.text(st.characters(codec=None), max_size=40))
def test_a_string_is_shown_as_text_visible_writes_it(text):
    assert shown(text) == visible(text)
    assert shown(Label(text)) == visible(text)
    assert shown(Markup(text)) is not None and str(shown(Markup(text))) == text  # a macro's output: as it is


def test_a_page_writes_a_hidden_code_point_out_and_leaves_numbers_and_markup_alone():
    env = environment()
    page = env.from_string("{{ a }}|{{ b }}|{{ c }}|{{ d }}").render(
        a="gpt-4o\u200b", b="\u202eevil", c=Markup("<b>x</b>"), d=0.25
    )
    assert page == "gpt-4o&lt;U+200B&gt;|&lt;U+202E&gt;evil|<b>x</b>|0.25"


def test_a_dict_key_reads_as_jinja_reads_it_and_a_dict_attribute_stays_the_attribute():
    env = environment()
    text = env.from_string(
        "{{ row.name }}|{{ row.items is callable }}|{{ row.get('name') }}|{{ 'x' if row.gone is undefined }}"
    )
    assert text.render(row={"name": "<a>", "items": "not this"}) == "&lt;a&gt;|True|&lt;a&gt;|x"


def test_a_shared_part_is_rendered_once_per_key_and_each_time_without_one():
    env = environment()
    calls = []
    capabilities = {"vision": True, "function_calling": None}
    page = env.from_string("{{ once('capability_rows', key, caps) }}")
    parts = env.get_template("parts.html").module
    fresh = str(parts.capability_rows(capabilities))
    for key in ("a", "a", None, None, "b"):
        calls.append(page.render(key=key, caps=capabilities))
    assert all(text == fresh for text in calls) and 'data-supported="unknown"' in fresh
    once = env.globals["once"]
    assert sorted(k for _, k in once.rendered) == ["a", "b"]
    once.rendered["capability_rows", "a"] = Markup("cached")  # a key asked for again is not rendered again
    assert page.render(key="a", caps=capabilities) == "cached" and page.render(key=None, caps=capabilities) == fresh


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(codec=None), max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_embedded_json_holds_every_string_as_the_page_shows_it_and_cannot_end_its_element(value):
    """script_json's one pass over printable JSON against text.visible on every string."""
    text = str(script_json(value))
    assert json.loads(text) == each_visible(value)
    assert "<" not in text and ">" not in text and "&" not in text


def each_visible(value):
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [each_visible(v) for v in value]
    if isinstance(value, dict):
        return {k: each_visible(v) for k, v in value.items()}  # keys are the code's own names
    return value
