"""The shared rules for ids, names and links (llm_catalog/text.py), on the classes issue 21 names and on generated
text (Hypothesis draws code points of the hidden categories Cc, Cf, Co, Cs, Cn)."""

import json
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from llm_catalog.text import (
    HIDDEN_CATEGORIES,
    HIDDEN_CLASS_FILE,
    computed_hidden_class,
    hidden_class,
    hidden_code_points,
    visible,
    web_link,
    web_link_in,
)

HIDDEN = st.characters(categories=["Cc", "Cf", "Co", "Cs", "Cn"])
SHOWN = st.characters(categories=["L", "N", "P", "S", "Zs"])


def test_the_issue_classes_are_hidden_and_named():
    assert hidden_code_points("openai/gpt-4o") == []
    assert hidden_code_points("openai/gpt-4o\u200b") == ["U+200B ZERO WIDTH SPACE"]
    assert hidden_code_points("x\u202ey\u202e") == ["U+202E RIGHT-TO-LEFT OVERRIDE"]  # once each
    assert hidden_code_points("open\ufeffai") == ["U+FEFF ZERO WIDTH NO-BREAK SPACE"]
    assert hidden_code_points("a\ufdd0b\U0010ffff") == ["U+FDD0 noncharacter", "U+10FFFF noncharacter"]
    assert hidden_code_points("a\x1b]2;t\x07") == ["U+001B Cc code point", "U+0007 Cc code point"]
    assert hidden_code_points("mistral/ministral-8b-2410 élan 🐋") == []


@given(st.text(SHOWN), HIDDEN, st.text(SHOWN))
def test_any_hidden_code_point_is_found_and_made_visible(before, hidden, after):
    text = before + hidden + after
    assert f"U+{ord(hidden):04X}" in " ".join(hidden_code_points(text))
    shown = visible(text)
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs", "Cn") for ch in shown)
    assert f"<U+{ord(hidden):04X}>" in shown


@given(st.text(SHOWN))
def test_visible_text_is_left_as_it_is(text):
    assert hidden_code_points(text) == [] and visible(text) == text


def test_only_absolute_http_urls_become_links():
    assert web_link("https://docs.example.com/a?b=1#c") == "https://docs.example.com/a?b=1#c"
    assert web_link("http://example.com") == "http://example.com"
    for url in ["//evil.example/phish", "/\\evil.example/phish2", "javascript:alert(1)", "JavaScript://x%0aalert(1)",
                "https:///x", "https:\\\\evil.example", "https://a b", "ftp://example.com", "https://[::1", "/docs",
                "docs.example.com", "data:text/html,x", "https://example.com/\u202etxt", "", None, 7]:  # fmt: skip
        assert web_link(url) is None, url


@given(st.text())
def test_a_link_is_always_absolute_http(url):
    link = web_link(url)
    assert link is None or (link.lower().startswith(("http://", "https://")) and "\\" not in link)


def test_the_link_a_source_text_means():
    assert web_link_in("https://docs.x.ai/docs/models (Vertex AI Model Garden)") == "https://docs.x.ai/docs/models"
    assert web_link_in("https://x.example/p?q=a b") == "https://x.example/p?q=a%20b"
    for text in ["//evil.example/x (docs)", "/\\evil.example/x", "javascript:alert(1) (x)", "see the docs", None]:
        assert web_link_in(text) is None, text


@given(st.text())
def test_a_meant_link_is_always_absolute_http(text):
    link = web_link_in(text)
    assert link is None or web_link(link) == link


def test_the_printable_fast_path_agrees_with_the_categories_on_every_code_point():
    # hidden_code_points skips text that str.isprintable accepts: that shortcut must never hide a hidden code point
    wrong = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if chr(cp).isprintable() and unicodedata.category(chr(cp)) in HIDDEN_CATEGORIES
    ]
    assert wrong == []


def test_the_kept_hidden_class_is_the_one_this_pythons_unicode_version_gives():
    """hidden_class() reads the class for this Unicode version from hidden_class.json rather than walking every code
    point at each start: the kept one must be what the walk gives (a Python with another Unicode version computes
    its own; add it with the line in the message)."""
    kept = json.loads(HIDDEN_CLASS_FILE.read_text())
    assert unicodedata.unidata_version in kept, (
        f"no class kept for Unicode {unicodedata.unidata_version}: computing it costs every process ~0.3 s; add it: "
        '.venv/bin/python -c "import json, unicodedata; from llm_catalog.text import computed_hidden_class as c, '
        "HIDDEN_CLASS_FILE as f; k = json.loads(f.read_text()); k[unicodedata.unidata_version] = c(); "
        "f.write_text(json.dumps(k, indent=1) + '\\n')\""
    )
    assert kept[unicodedata.unidata_version] == computed_hidden_class() == hidden_class()
