"""Every value a page shows passes text.visible: the template environment's finalize gives the same text as
text.visible for any string (its fast path for printable text included), and leaves markup and numbers as they are."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

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
