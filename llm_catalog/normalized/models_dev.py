"""models_dev: the models.dev repository tree (MIT): ``models/<lab>/<model>.toml`` (a model apart from who serves it,
with release date, weights links and ``[[benchmarks]]``), ``providers/<id>/provider.toml`` and
``providers/<id>/models/<model id>.toml`` (a served route; ``base_model = "<lab>/<model>"`` points at a model file)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.benchmark_names import identify
from llm_catalog.normalized.facts_text import shown_link, shown_name
from llm_catalog.normalized.fields import day, month, typed
from llm_catalog.normalized.parsed import ModelFacts, ParsedSource, score_row
from llm_catalog.sources.fetch import tree_files

URL = "https://github.com/anomalyco/models.dev/archive/refs/heads/dev.tar.gz"
ENV = "LLM_CATALOG_MODELS_DEV"
MEMBERS = re.compile(r"^(?:models|providers)/.+\.toml$")
ATTRIBUTION = "models.dev (https://github.com/anomalyco/models.dev), MIT"
# benchmark sources that run the evaluation themselves; other hosts are the vendor's own pages
THIRD_PARTY_HOSTS = frozenset(
    [
        "openrouter.ai",
        "artificialanalysis.ai",
        "labs.scale.com",
        "aider.chat",
        "www.swebench.com",
        "swebench.com",
        "lmarena.ai",
        "epoch.ai",
        "www.vals.ai",
    ]
)
_MODEL_FILE = re.compile(r"^models/(?P<lab>[^/]+)/(?P<model>.+)\.toml$")
_PROVIDER_FILE = re.compile(r"^providers/(?P<provider>[^/]+)/provider\.toml$")
_SERVED_FILE = re.compile(r"^providers/(?P<provider>[^/]+)/models/(?P<model>.+)\.toml$")


@dataclass
class ModelsDevTree:
    models: dict[str, ModelFacts] = field(default_factory=dict)  # "<lab>/<model>" -> facts
    pointers: dict[str, list[str]] = field(default_factory=dict)  # "<lab>/<model>" -> served model ids pointing at it
    benchmarks: list[dict] = field(default_factory=list)  # raw [[benchmarks]] entries with their model
    provider_docs: dict[str, str] = field(default_factory=dict)
    left_out: list[dict] = field(default_factory=list)  # names and links left out: {entry, field, value, rule, message}


def _toml(name: str, raw: bytes, source: str) -> dict:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BrokenPayloadError(source, f"not valid TOML: {exc}", entry=name) from exc


def _first_url(items, kind: str | None, *, source: str, entry: str, field: str) -> str | None:
    if items is None:
        return None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BrokenPayloadError(source, "expected an array of tables", entry=entry, field=field)
    for i, item in enumerate(items):
        url = typed(item.get("url"), str, source=source, entry=entry, field=f"{field}[{i}].url", required=True)
        if kind is None or item.get("type") in kind:
            return url
    return None


def _model_file(name: str, doc: dict, source: str, left_out: list[dict]) -> tuple[ModelFacts, list[dict]]:
    """A model file's facts and benchmark figures; a name or a link that may not be shown is left out of them and
    recorded in ``left_out``, a figure whose source may not be linked to with it."""
    ref = name.removeprefix("models/").removesuffix(".toml")
    facts = ModelFacts(
        source="models_dev",
        source_model=ref,
        display_name=shown_name(
            typed(doc.get("name"), str, source=source, entry=name, field="name", required=True),
            left_out,
            entry=name,
            field="name",
        ),
        family=typed(doc.get("family"), str, source=source, entry=name, field="family"),
        release_date=month(doc.get("release_date"), source=source, entry=name, field="release_date"),
        knowledge_cutoff=month(doc.get("knowledge"), source=source, entry=name, field="knowledge"),
        open_weights=typed(doc.get("open_weights"), bool, source=source, entry=name, field="open_weights"),
        weights_url=shown_link(
            _first_url(doc.get("weights"), None, source=source, entry=name, field="weights"),
            left_out,
            entry=name,
            field="weights",
        ),
        docs_url=shown_link(
            _first_url(doc.get("links"), ("docs", "model_card"), source=source, entry=name, field="links"),
            left_out,
            entry=name,
            field="links",
        ),
    )
    scores = doc.get("benchmarks") or []
    if not isinstance(scores, list):
        raise BrokenPayloadError(source, "expected an array of tables", entry=name, field="benchmarks")
    found = []
    for i, score in enumerate(scores):
        where = f"benchmarks[{i}]"
        if not isinstance(score, dict):
            raise BrokenPayloadError(source, "expected a table", entry=name, field=where)
        figure_source = typed(
            score.get("source"), str, source=source, entry=name, field=f"{where}.source", required=True
        )
        if shown_link(figure_source, left_out, entry=name, field=f"{where}.source") is None:
            continue  # a figure is published with its source's link: without one a reader cannot check it
        found.append(
            {
                "model": ref,
                "entry": name,
                "name": typed(score.get("name"), str, source=source, entry=name, field=f"{where}.name", required=True),
                "score": float(
                    typed(score.get("score"), float, source=source, entry=name, field=f"{where}.score", required=True)
                ),
                "metric": typed(score.get("metric"), str, source=source, entry=name, field=f"{where}.metric"),
                "url": figure_source,
                "date": day(score.get("date"), source=source, entry=name, field=f"{where}.date"),
                "variant": " ".join(str(score[k]) for k in ("variant", "dataset", "harness") if score.get(k)) or None,
                "version": None if score.get("version") is None else str(score["version"]),
            }
        )
    return facts, found


def parse_models_dev_tree(data: bytes, *, source: str = "models_dev") -> ModelsDevTree:
    tree = ModelsDevTree()
    for name, raw in sorted(tree_files(data).items()):
        if match := _MODEL_FILE.match(name):
            facts, scores = _model_file(name, _toml(name, raw, source), source, tree.left_out)
            tree.models[facts.source_model] = facts
            tree.benchmarks += scores
        elif match := _PROVIDER_FILE.match(name):
            doc = _toml(name, raw, source).get("doc")
            doc = shown_link(
                typed(doc, str, source=source, entry=name, field="doc"), tree.left_out, entry=name, field="doc"
            )
            if doc is not None:
                tree.provider_docs[match["provider"]] = doc
        elif (match := _SERVED_FILE.match(name)) and b"base_model" in raw:  # only pointers are read from routes
            pointer = _toml(name, raw, source).get("base_model")
            if pointer is not None:
                typed(pointer, str, source=source, entry=name, field="base_model")
                if "/" not in pointer:
                    raise BrokenPayloadError(
                        source, f"expected '<lab>/<model>', got {pointer!r}", entry=name, field="base_model"
                    )
                tree.pointers.setdefault(pointer, []).append(match["model"])
    if not tree.models:
        raise BrokenPayloadError(source, "no model files under models/<lab>/<model>.toml")
    return tree


def _lab_host(url: str, model: str) -> bool:
    """True when the figure's page is the lab's own site (anthropic.com for anthropic/...) or its model card."""
    host = urlparse(url).netloc.lower()
    lab = model.split("/")[0].lower()
    return host == "huggingface.co" or lab in host


def models_dev_rows(tree: ModelsDevTree, *, checked: date | None = None) -> list[dict]:
    rows = []
    for score in tree.benchmarks:
        name = score["name"] + (f" {score['version']}" if score["version"] else "")
        scale = (
            "index"
            if (score["metric"] or "").lower() == "index"
            else ("percent" if 0 <= score["score"] <= 100 else "score")
        )
        benchmark, display, unit = identify(name, unit=scale)
        host = urlparse(score["url"]).netloc.lower()
        third = host in THIRD_PARTY_HOSTS or not _lab_host(score["url"], score["model"])
        rows.append(
            score_row(
                benchmark=benchmark,
                benchmark_name=display,
                variant=score["variant"],
                metric=score["metric"],
                unit=unit,
                score=score["score"],
                higher_is_better=True,
                source_model=score["model"],
                source_model_id=score["model"],
                evaluator="third_party" if third else "self_reported",
                source="models_dev",
                source_url=score["url"],
                attribution=f"{ATTRIBUTION}; figure from {host}",
                measured=score["date"],
                checked=checked,
            )
        )
    return rows


def parse(
    data: bytes, *, source: str = "models_dev", checked: date | None = None, url: str | None = None
) -> ParsedSource:
    """The model files, their benchmark figures and the served routes' pointers (evidence that places a model file
    on the catalog's base model)."""
    tree = parse_models_dev_tree(data, source=source)
    return ParsedSource(
        "models_dev",
        models=list(tree.models.values()),
        scores=models_dev_rows(tree, checked=checked),
        pointers=tree.pointers,
        provider_docs=tree.provider_docs,
        left_out=tree.left_out,
    )
