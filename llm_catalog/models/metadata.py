"""The `models` table: one row per base model of the catalog, from every model metadata source present.

Each source's models are placed on the catalog's base models by the one resolver (models.dev model files also by the
``base_model`` pointers of the routes that serve them, see llm_catalog.benchmarks.place); then, field by field, the
first source in PRECEDENCE that says something wins and ``provenance`` records which (sql/models/models.sql).
"""

from __future__ import annotations

from dataclasses import asdict

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.benchmarks.link import place
from llm_catalog.normalized.model_sources import ATTRIBUTION, LlmStats, ModelFacts, ModelsDevTree
from llm_catalog.identity.resolver import ModelResolver
from llm_catalog.paths import SQL_DIR

# curated model files first, then LLM Stats, then the bundled API data (many served copies, majority per field), the
# newer SQLite before the older api.json
PRECEDENCE = ("models_dev", "llm_stats", "models_dev_metadata", "models_dev_api")
FIELDS = ("display_name", "release_date", "knowledge_cutoff", "open_weights", "parameter_count", "docs_url",
          "weights_url")
# models.dev providers that are a lab, and the base models that lab makes: its docs link is their official docs (a lab
# serving another lab's model, as mistral serves zai-glm, or a host such as nvidia's NIM, is not)
LAB_MODELS = {
    "openai": ("gpt", "o1", "o3", "o4", "chatgpt", "codex"), "anthropic": ("claude",), "google": ("gemini", "gemma"),
    "mistral": ("mistral", "ministral", "magistral", "codestral", "devstral", "pixtral", "voxtral", "mixtral"),
    "deepseek": ("deepseek",), "xai": ("grok",), "moonshotai": ("kimi",), "alibaba": ("qwen", "qwq"),
    "zhipuai": ("glm",), "cohere": ("command", "aya"), "minimax": ("minimax",),
}


def _candidates(facts: ModelFacts, base: str) -> list[dict]:
    values = asdict(facts)
    return [{"base_model": base, "field": name, "value": None if values[name] is None else str(values[name]),
             "source": facts.source, "priority": PRECEDENCE.index(facts.source)} for name in FIELDS]


def candidates(bases: set[str], resolver: ModelResolver, *, metadata: tuple[list[ModelFacts], dict] | None = None,
               tree: ModelsDevTree | None = None, stats: LlmStats | None = None,
               api: list[ModelFacts] | None = None) -> tuple[list[dict], dict]:
    """What each source says, placed on the catalog's base models; and per source (placed, models) counts."""
    rows, counts = [], {}
    if tree is not None:
        placed = 0
        for ref, facts in tree.models.items():
            base, why_not = place(ref, bases, resolver, tree.pointers)
            if why_not is None:
                placed += 1
                rows += _candidates(facts, base)
        counts["models_dev"] = (placed, len(tree.models))
    if stats is not None:
        placed = 0
        for model_id, facts in stats.models.items():
            base, why_not = place(model_id, bases, resolver)
            if why_not is None:
                placed += 1
                rows += _candidates(facts, base)
        counts["llm_stats"] = (placed, len(stats.models))
    for name, served, docs in (("models_dev_metadata", *(metadata or (None, None))), ("models_dev_api", api, {})):
        if served is None:
            continue
        placed = 0
        for facts in served:
            base = resolver.resolve_name(facts.source_model, facts.served_by)[0]
            if base not in bases:
                continue
            placed += 1
            if base.startswith(LAB_MODELS.get(facts.served_by, ())) and docs.get(facts.served_by):
                facts = ModelFacts(**{**asdict(facts), "docs_url": docs[facts.served_by]})
            rows += _candidates(facts, base)
        counts[name] = (placed, len(served))
    return rows, counts


def build(routes: pa.Table, rows: list[dict]) -> pa.Table:
    con = duckdb.connect()
    con.register("routes", routes.select(["route_id", "base_model", "family"]))
    con.register("candidates", pa.Table.from_pylist(rows, schema=pa.schema(
        [("base_model", pa.string()), ("field", pa.string()), ("value", pa.string()), ("source", pa.string()),
         ("priority", pa.int32())])))
    con.register("attributions", pa.table({"source": list(ATTRIBUTION), "text": list(ATTRIBUTION.values())}))
    table = con.sql((SQL_DIR / "models" / "models.sql").read_text()).to_arrow_table()
    return table.cast(schemas.MODELS)
