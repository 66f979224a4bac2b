"""Rules for text that comes from sources and is shown to people: ids, names and links.

One place decides which code points may stand in an id or a name and which URLs may become links, so that every
normalizer rejects the same things and the site and the command line never render what a normalizer let through."""

from __future__ import annotations

import json
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

# Cc controls (terminal escapes, NUL), Cf format characters (bidirectional overrides, zero-width space, BOM, soft
# hyphen), Co private use, Cs lone surrogates, Cn unassigned code points (every noncharacter is one): none is visible
# as itself, so two ids that differ only by one of them look the same on a page, and a bidirectional control makes an
# id display reversed
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})
LINK_SCHEMES = frozenset({"http", "https"})


def hidden_code_points(text: str) -> list[str]:
    """Each code point of ``text`` that is invisible, a control or not a character, as `U+202E RIGHT-TO-LEFT
    OVERRIDE` (in order, once each); empty for text that shows as what it is."""
    if text.isprintable():  # str.isprintable is false exactly for Other (Cc Cf Co Cs Cn) and separators but space
        return []
    found = dict.fromkeys(ch for ch in text if unicodedata.category(ch) in HIDDEN_CATEGORIES)
    return [code_point_name(ch) for ch in found]


def hidden_message(text: str, what: str) -> str | None:
    """Why ``text`` (an id, a name, a mode: ``what``) may not be published, naming each hidden code point; None when
    it has none."""
    found = hidden_code_points(text)
    if not found:
        return None
    return f"{what} holds code points that do not show as themselves: {', '.join(found)}"


# hidden_class() for each Unicode version it was computed on (unicodedata.unidata_version): computing it walks every
# code point, a third of a second at the start of every process (a sync, each page process of a site build)
HIDDEN_CLASS_FILE = Path(__file__).with_name("hidden_class.json")


@lru_cache(maxsize=1)
def hidden_class() -> str:
    """The hidden code points as the body of a regex character class (``[^...]`` keeps them out), so that a regex
    check (a Great Expectations suite, an id pattern) refuses exactly what ``hidden_code_points`` names: the one
    computed for this Python's Unicode version (HIDDEN_CLASS_FILE, a test keeps it equal), else computed here."""
    known = json.loads(HIDDEN_CLASS_FILE.read_text())
    return known.get(unicodedata.unidata_version) or computed_hidden_class()


def computed_hidden_class() -> str:
    ranges, start = [], None
    for cp in range(sys.maxunicode + 2):
        hidden = cp <= sys.maxunicode and unicodedata.category(chr(cp)) in HIDDEN_CATEGORIES
        if hidden and start is None:
            start = cp
        elif not hidden and start is not None:
            ranges.append(_escaped(start) if start == cp - 1 else f"{_escaped(start)}-{_escaped(cp - 1)}")
            start = None
    return "".join(ranges)


def _escaped(cp: int) -> str:
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


def code_point_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if not name:
        name = "noncharacter" if _is_noncharacter(ord(ch)) else f"{unicodedata.category(ch)} code point"
    return f"U+{ord(ch):04X} {name}"


def _is_noncharacter(cp: int) -> bool:
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def visible(text: str) -> str:
    """``text`` with each hidden code point written as `<U+200B>`, for printing or rendering a value that must be
    shown as it is (a reject's value) without letting it act on the terminal or the page."""
    if not hidden_code_points(text):
        return text
    return "".join(f"<U+{ord(ch):04X}>" if unicodedata.category(ch) in HIDDEN_CATEGORIES else ch for ch in text)


def web_link(url: object) -> str | None:
    """``url`` if it may become a link: an absolute http(s) URL with a host, and nothing a browser would read
    differently from how it shows (backslashes, whitespace, hidden code points); else None. Scheme-relative
    (`//host`), backslash (`/\\host`), relative and `javascript:` URLs are all None."""
    if not isinstance(url, str) or not url or len(url) > 2048:
        return None
    if "\\" in url or any(ch.isspace() for ch in url) or hidden_code_points(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket, a bad port
        return None
    if (
        parts.scheme.lower() not in LINK_SCHEMES
        or not parts.hostname
        or not url.lower().startswith(parts.scheme.lower() + "://")
    ):
        return None
    return url


def web_link_in(text: object) -> str | None:
    """The link a source's free text means, where it is not a link as it stands: a URL followed by a note in
    brackets (`https://docs.x.ai/docs/models (Vertex AI Model Garden)`) means the URL; a URL with plain spaces in
    its query (Azure's `?$filter=productName eq '...'`) means them percent-encoded, as a browser sends them. Real
    LiteLLM maps hold both; anything else is None."""
    if not isinstance(text, str):
        return None
    stripped = text.strip(" ")
    head, _, rest = stripped.partition(" ")
    if rest.startswith("(") and rest.endswith(")") and (link := web_link(head)):
        return link
    return web_link(stripped.replace(" ", "%20"))
