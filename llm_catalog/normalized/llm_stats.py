"""llm_stats: the LLM Stats repository tree (CC BY 4.0): ``data/organizations/<org>/models/<id>/model.json`` and
``benchmarks.json`` (models and their scores, self-reported or verified), and ``data/benchmarks/<id>.json``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.benchmark_names import identify
from llm_catalog.normalized.facts_text import shown_link, shown_name
from llm_catalog.normalized.fields import day, json_document, month, typed
from llm_catalog.normalized.parsed import ModelFacts, ParsedSource, score_row
from llm_catalog.sources.fetch import tree_files

URL = "https://github.com/JonathanChavezTamales/llm-leaderboard/archive/refs/heads/main.tar.gz"
ENV = "LLM_CATALOG_LLM_STATS"
MEMBERS = re.compile(r"^data/(?:organizations|benchmarks)/.+\.json$")
ATTRIBUTION = "LLM Stats (https://llm-stats.com), CC BY 4.0"
MODEL_URL = "https://llm-stats.com/models/{model}"
_LLM_STATS_MODEL = re.compile(
    r"^data/organizations/(?P<org>[^/]+)/models/(?P<model>[^/]+)/(?P<file>model|benchmarks)\.json$"
)
_LLM_STATS_BENCHMARK = re.compile(r"^data/benchmarks/(?P<id>[^/]+)\.json$")


@dataclass
class LlmStats:
    models: dict[str, ModelFacts] = field(default_factory=dict)  # model_id -> facts
    benchmarks: list[dict] = field(default_factory=list)  # raw scores with their model
    max_scores: dict[str, float] = field(default_factory=dict)  # benchmark_id -> max_score
    left_out: list[dict] = field(default_factory=list)  # names and links left out: {entry, field, value, rule, message}


def _llm_stats_model(name: str, doc, source: str, left_out: list[dict]) -> ModelFacts:
    if not isinstance(doc, dict):
        raise BrokenPayloadError(source, "expected an object", entry=name)
    params = typed(doc.get("param_count"), float, source=source, entry=name, field="param_count")
    licence = typed(doc.get("license_id"), str, source=source, entry=name, field="license_id")
    return ModelFacts(
        source="llm_stats",
        source_model=typed(doc.get("model_id"), str, source=source, entry=name, field="model_id", required=True),
        display_name=shown_name(
            typed(doc.get("name"), str, source=source, entry=name, field="name", required=True),
            left_out,
            entry=name,
            field="name",
        ),
        release_date=month(doc.get("release_date"), source=source, entry=name, field="release_date"),
        knowledge_cutoff=month(doc.get("knowledge_cutoff"), source=source, entry=name, field="knowledge_cutoff"),
        open_weights=None if licence is None else licence != "proprietary",
        parameter_count=int(params) if params else None,
        docs_url=shown_link(
            typed(
                doc.get("source_api_ref") or doc.get("source_paper"),
                str,
                source=source,
                entry=name,
                field="source_api_ref",
            ),
            left_out,
            entry=name,
            field="source_api_ref",
        ),
        weights_url=shown_link(
            typed(doc.get("source_weights_link"), str, source=source, entry=name, field="source_weights_link"),
            left_out,
            entry=name,
            field="source_weights_link",
        ),
    )


def _score_field(score: dict, key: str, kind, *, source: str, entry: str, where: str, required: bool = False):
    """A score's ``key``, of ``kind``; a broken one names the file, the score and the key."""
    return typed(score.get(key), kind, source=source, entry=entry, field=f"{where}.{key}", required=required)


def _llm_stats_scores(name: str, doc, model: str, source: str, left_out: list[dict]) -> list[dict]:
    if not isinstance(doc, list):
        raise BrokenPayloadError(source, "expected a list of scores", entry=name)
    found = []
    for i, score in enumerate(doc):
        where = f"[{i}]"
        if not isinstance(score, dict):
            raise BrokenPayloadError(source, "expected an object", entry=name, field=where)
        read = partial(_score_field, score, source=source, entry=name, where=where)
        found.append(
            {
                "model": model,
                "entry": name,
                "benchmark_id": read("benchmark_id", str, required=True),
                "name": read("benchmark_name", str, required=True),
                "score": float(read("score", float, required=True)),
                "self_reported": read("is_self_reported", bool, required=True),
                # a link a page may not show is left out: the figure then links to its LLM Stats page
                "url": shown_link(
                    read("self_reported_source_link", str),
                    left_out,
                    entry=name,
                    field=f"{where}.self_reported_source_link",
                ),
                "method": read("analysis_method", str),
                "date": day(
                    score.get("verification_date") or score.get("updated_at"),
                    source=source,
                    entry=name,
                    field=f"{where}.updated_at",
                ),
            }
        )
    return found


def parse_llm_stats(data: bytes, *, source: str = "llm_stats") -> LlmStats:
    stats = LlmStats()
    scores: dict[str, list[dict]] = {}
    for name, raw in sorted(tree_files(data).items()):
        if match := _LLM_STATS_BENCHMARK.match(name):
            doc = json_document(name, raw, source)
            top = typed(
                doc.get("max_score") if isinstance(doc, dict) else None,
                float,
                source=source,
                entry=name,
                field="max_score",
            )
            stats.max_scores[match["id"]] = float(top) if top else 1.0
        elif match := _LLM_STATS_MODEL.match(name):
            doc = json_document(name, raw, source)
            if match["file"] == "model":
                facts = _llm_stats_model(name, doc, source, stats.left_out)
                stats.models[facts.source_model] = facts
            else:
                scores[match["model"]] = _llm_stats_scores(name, doc, match["model"], source, stats.left_out)
    if not stats.models:
        raise BrokenPayloadError(source, "no model files under data/organizations/<org>/models/<id>/model.json")
    for found in scores.values():  # a model folder may have scores and no model.json: named by its folder
        stats.benchmarks += found
    return stats


def llm_stats_rows(stats: LlmStats, *, checked: date | None = None) -> list[dict]:
    """LLM Stats' scores: fractions of a benchmark whose max_score is 1 become percent; others keep their scale."""
    rows = []
    for score in stats.benchmarks:
        top = stats.max_scores.get(score["benchmark_id"], 1.0)
        value = score["score"] * 100 if top == 1.0 else score["score"]
        benchmark, display, unit = identify(score["name"], unit="percent" if top == 1.0 else "score")
        if unit == "percent" and top != 1.0:  # the curated unit is percent but this benchmark is not on 0..1
            unit = "score"
        if top != 1.0 and 0 <= value <= 1:  # a 0..1 figure of a benchmark scored up to 3000 (Codeforces): not on
            benchmark, display, unit = f"{benchmark}_normalized", f"{display} (normalized)", "fraction"  # its scale
        rows.append(
            score_row(
                benchmark=benchmark,
                benchmark_name=display,
                variant=None,
                metric=score["method"],
                unit=unit,
                score=round(value, 4),
                higher_is_better=True,
                source_model=score["model"],
                source_model_id=score["model"],
                evaluator="self_reported" if score["self_reported"] else "third_party",
                source="llm_stats",
                source_url=score["url"] or MODEL_URL.format(model=score["model"]),
                attribution=ATTRIBUTION,
                measured=score["date"],
                checked=checked,
            )
        )
    return rows


def parse(
    data: bytes, *, source: str = "llm_stats", checked: date | None = None, url: str | None = None
) -> ParsedSource:
    stats = parse_llm_stats(data, source=source)
    return ParsedSource(
        "llm_stats",
        models=list(stats.models.values()),
        scores=llm_stats_rows(stats, checked=checked),
        left_out=stats.left_out,
    )
