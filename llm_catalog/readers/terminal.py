"""What the command line writes for people is made visible first: every string of the data a text output lays out,
and every error message, has each control or hidden code point written as `<U+001B>` (llm_catalog.text.visible).
A value a source slipped past the normalizers (a mode holding `ESC ]2;...BEL`, a price condition holding `ESC [2J`)
then shows as text instead of retitling or clearing the terminal. JSON needs none of this (json.dumps escapes every
control and, with its default ensure_ascii, every other non-ASCII code point); CSV stays exact, as data for programs
(see llm_catalog.readers.query.render)."""

from __future__ import annotations

from llm_catalog.text import visible


def visible_data(value):
    """``value`` with every string in it, keys included, made visible (dicts, lists and tuples walked; other values
    as they are): what a text renderer gets, so that it cannot forget one field."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_data(k): visible_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(visible_data(v) for v in value)
    return value


def visible_lines(text: str) -> str:
    """A message of one or more lines made visible, its own line breaks kept."""
    return "\n".join(visible(line) for line in text.split("\n"))
