"""The names and links of the model metadata sources (models.dev, LLM Stats) as the catalog may show them: a name
with a hidden code point or a link a page may not link to is left out, and recorded in the source's ``left_out``
(entry, field, value, rule, message) so the sync says so; the entry itself is kept."""

from __future__ import annotations

from llm_catalog.text import hidden_message, web_link


def shown_name(value: str | None, left_out: list[dict], *, entry: str, field: str) -> str | None:
    """``value`` without surrounding whitespace (real models.dev names end in a tab); None, recorded in ``left_out``,
    when what is left holds a hidden code point (a bidirectional override, a zero-width space, a terminal escape)."""
    if value is None:
        return None
    name = value.strip()
    why = hidden_message(name, field)
    if why is None:
        return name
    left_out.append(
        {"entry": entry, "field": field, "value": value, "rule": "hidden_characters", "message": f"{why}; left out"}
    )
    return None


def shown_link(value: str | None, left_out: list[dict], *, entry: str, field: str) -> str | None:
    """``value`` when a page may link to it (llm_catalog.text.web_link: absolute http(s) with a host); else None,
    recorded in ``left_out`` (`javascript:`, `//host`, `/\\host`, relative)."""
    if value is None or web_link(value) is not None:
        return value
    message = "not an absolute http(s) URL a page may link to; left out"
    left_out.append({"entry": entry, "field": field, "value": value, "rule": "url_not_a_web_link", "message": message})
    return None
