"""Benchmark sources: parse each source's payload into score rows, then link every row to the catalog's models with
the same resolver the routes use (llm_catalog.models), exact matches only.

Sources (formats in shared notes, each with its own raw payload kept by sha256):
- model_cards: the curated ``data/benchmarks/model_cards.csv`` (vendor-reported figures, each with its source URL
  and the date it was checked);
- aider: the Aider polyglot leaderboard YAML (third party; its ``command`` names the exact model argument run);
- artificial_analysis: the Artificial Analysis API's JSON (third party, attribution required by its terms);
- models_dev: the ``[[benchmarks]]`` of models.dev's model files (each with the URL it was taken from);
- llm_stats: LLM Stats' scores (self-reported or verified, CC BY 4.0).

Benchmark names go through one curated table (``data/benchmarks/benchmark_ids.csv``) to one id per benchmark, with
one unit: "GPQA Diamond" and LLM Stats' "gpqa" are one benchmark; Terminal-Bench 2.0 and 2.1 are two. The same figure
for the same benchmark and model from several sources is published once, by the first source in SOURCES order, with
every source that reported it in ``reported_by`` (sql/benchmarks/merge_duplicates.sql); different figures all stay.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shlex
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pyarrow as pa
import yaml

from llm_catalog import schemas
from llm_catalog.errors import SourceError
from llm_catalog.normalized.model_sources import ATTRIBUTION as MODEL_SOURCE_ATTRIBUTION
from llm_catalog.normalized.model_sources import ModelsDevTree, parse_llm_stats, parse_models_dev_tree
from llm_catalog.identity.resolver import ModelResolver
from llm_catalog.paths import BENCHMARK_IDS_CSV, SQL_DIR

# in order of precedence: a figure several sources report is published as the first one's row
SOURCES = ("model_cards", "models_dev", "llm_stats", "aider", "artificial_analysis")
AIDER_URL = "https://raw.githubusercontent.com/Aider-AI/aider/main/aider/website/_data/polyglot_leaderboard.yml"
ARTIFICIAL_ANALYSIS_URL = "https://artificialanalysis.ai/api/v2/data/llms/models"
ARTIFICIAL_ANALYSIS_KEY_ENV = "ARTIFICIAL_ANALYSIS_API_KEY"
ATTRIBUTION = {
    "model_cards": "vendor model cards (self-reported; see source_url)",
    "aider": "Aider polyglot leaderboard, Apache-2.0",
    "artificial_analysis": "Artificial Analysis (artificialanalysis.ai), used with attribution per its terms",
    "models_dev": MODEL_SOURCE_ATTRIBUTION["models_dev"],
    "llm_stats": MODEL_SOURCE_ATTRIBUTION["llm_stats"],
}
# sources that name the exact model argument they ran (a LiteLLM route key); the others name models
ROUTE_SCOPED = frozenset({"aider"})
LLM_STATS_MODEL_URL = "https://llm-stats.com/models/{model}"
# models.dev's benchmark sources that run the evaluation themselves; other hosts are the vendor's own pages
THIRD_PARTY_HOSTS = frozenset("openrouter.ai artificialanalysis.ai labs.scale.com aider.chat www.swebench.com "
                              "swebench.com lmarena.ai epoch.ai www.vals.ai".split())
# Artificial Analysis evaluations: display names; index values are 0-100, the rest fractions 0-1
AA_NAMES = {
    "artificial_analysis_intelligence_index": "Artificial Analysis Intelligence Index",
    "artificial_analysis_coding_index": "Artificial Analysis Coding Index",
    "artificial_analysis_math_index": "Artificial Analysis Math Index",
    "artificial_analysis_agentic_index": "Artificial Analysis Agentic Index",
    "mmlu_pro": "MMLU-Pro", "gpqa": "GPQA Diamond", "hle": "Humanity's Last Exam", "livecodebench": "LiveCodeBench",
    "scicode": "SciCode", "aime_25": "AIME 2025", "ifbench": "IFBench", "lcr": "AA-LCR",
    "terminalbench_hard": "Terminal-Bench Hard", "tau2": "tau2-bench",
}
_EFFORT = re.compile(r"\s*\((?P<effort>minimal|low|medium|high|xhigh|max|thinking|reasoning|non-reasoning)\)\s*$", re.I)
UNITS = ("percent", "fraction", "elo", "index", "score")


def _row(**values) -> dict:
    return {field.name: values.get(field.name) for field in schemas.BENCHMARKS}


def _number(value, *, source: str, entry: str, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SourceError(source, f"expected a finite number, got {value!r}", entry=entry, field=field)
    return float(value)


def _date(value, *, source: str, entry: str, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise SourceError(source, f"expected a YYYY-MM-DD date, got {value!r}", entry=entry, field=field) from exc


def parse_model_cards(data: bytes, *, source: str = "model_cards", checked: date | None = None) -> list[dict]:
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        records = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(source, f"not a readable CSV file: {exc}") from exc
    required = {"model", "benchmark", "score", "unit", "source_url", "checked"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise SourceError(source, f"missing columns {sorted(missing)}")
    rows = []
    for i, record in enumerate(records, start=2):
        entry = f"line {i} ({record['model']} {record['benchmark']})"
        try:
            score = float(record["score"])
        except ValueError as exc:
            raise SourceError(source, f"score {record['score']!r} is not a number", entry=entry, field="score") from exc
        if record["unit"] not in UNITS:
            raise SourceError(source, f"unit {record['unit']!r} is not one of {UNITS}", entry=entry, field="unit")
        rows.append(_row(
            benchmark=record["benchmark"], benchmark_name=record.get("benchmark_name") or record["benchmark"],
            variant=record.get("variant") or None, metric=record.get("metric") or None, unit=record["unit"],
            score=score, higher_is_better=(record.get("higher_is_better") or "true").lower() == "true",
            reasoning_effort=record.get("reasoning_effort") or None, source_model=record["model"],
            evaluator="self_reported", source="model_cards", source_url=record["source_url"],
            attribution=ATTRIBUTION["model_cards"],
            measured=_date(record.get("measured"), source=source, entry=entry, field="measured"),
            checked=_date(record["checked"], source=source, entry=entry, field="checked"),
        ))
    return rows


def aider_option(command: str, option: str) -> str | None:
    """The value of ``--option`` in an aider command line (``--model o3-mini`` or ``--model=o3-mini``)."""
    try:
        words = shlex.split(command or "")
    except ValueError:
        words = (command or "").split()
    for i, word in enumerate(words):
        if word == option and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(option + "="):
            return word.split("=", 1)[1]
    return None


def parse_aider(data: bytes, *, source: str = "aider", checked: date | None = None, url: str | None = None) -> list[dict]:
    try:
        entries = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourceError(source, f"not valid YAML: {exc}") from exc
    if not isinstance(entries, list) or not entries:
        raise SourceError(source, "expected a non-empty YAML list of leaderboard runs")
    rows = []
    for i, run in enumerate(entries):
        if not isinstance(run, dict):
            raise SourceError(source, "a run must be a mapping", entry=f"item {i}")
        entry = str(run.get("dirname") or run.get("model") or f"item {i}")
        if "pass_rate_2" not in run:
            raise SourceError(source, "no pass_rate_2", entry=entry, field="pass_rate_2")
        score = _number(run["pass_rate_2"], source=source, entry=entry, field="pass_rate_2")
        name = str(run.get("model") or "")
        effort = run.get("reasoning_effort")
        if effort is None and (found := _EFFORT.search(name)):
            effort = found["effort"].lower()
        command = str(run.get("command") or "")
        effort = effort or aider_option(command, "--reasoning-effort")
        rows.append(_row(
            benchmark="aider_polyglot", benchmark_name="Aider polyglot", variant=run.get("edit_format"),
            metric="pass_rate_2", unit="percent", score=score, higher_is_better=True,
            reasoning_effort=str(effort) if effort is not None else None,
            source_model=aider_option(command, "--model") or _EFFORT.sub("", name), evaluator="third_party", source="aider",
            source_url=url or AIDER_URL, attribution=ATTRIBUTION["aider"],
            measured=_date(run.get("date"), source=source, entry=entry, field="date"), checked=checked,
        ))
    return rows


def parse_artificial_analysis(data: bytes, *, source: str = "artificial_analysis", checked: date | None = None,
                              url: str | None = None) -> list[dict]:
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(source, f"not valid JSON: {exc}") from exc
    models = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(models, list):
        raise SourceError(source, "expected an object with a 'data' list of models")
    rows = []
    for i, model in enumerate(models):
        if not isinstance(model, dict):
            raise SourceError(source, "a model must be an object", entry=f"data[{i}]")
        entry = str(model.get("id") or model.get("slug") or f"data[{i}]")
        evaluations = model.get("evaluations") or {}
        if not isinstance(evaluations, dict):
            raise SourceError(source, "evaluations must be an object", entry=entry, field="evaluations")
        name = str(model.get("name") or model.get("slug") or "")
        found = _EFFORT.search(name)
        for key, value in evaluations.items():  # every key, known or not: new evaluations are carried
            score = _number(value, source=source, entry=entry, field=f"evaluations.{key}")
            if score is None:
                continue
            index = key.endswith("_index")
            rows.append(_row(
                benchmark=f"aa_{key}", benchmark_name=AA_NAMES.get(key, key.replace("_", " ").title()),
                variant=None, metric=key, unit="index" if index else "fraction", score=score,
                higher_is_better=True, reasoning_effort=found["effort"].lower() if found else None,
                source_model=str(model.get("slug") or _EFFORT.sub("", name)), source_model_id=entry,
                evaluator="third_party", source="artificial_analysis", source_url=url or ARTIFICIAL_ANALYSIS_URL,
                attribution=ATTRIBUTION["artificial_analysis"],
                measured=_date(model.get("release_date"), source=source, entry=entry, field="release_date"),
                checked=checked,
            ))
    return rows


def benchmark_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\u2019", "'").strip().lower())


@lru_cache(maxsize=4)
def benchmark_ids(path: Path = BENCHMARK_IDS_CSV) -> dict[str, tuple[str, str, str]]:
    """The curated table: a source's benchmark name (lowercased) -> (benchmark id, display name, unit)."""
    with path.open(newline="") as handle:
        return {benchmark_key(r["name"]): (r["benchmark"], r["benchmark_name"], r["unit"])
                for r in csv.DictReader(handle)}


def identify(name: str, *, unit: str) -> tuple[str, str, str]:
    """(benchmark id, display name, unit) for a source's benchmark name: the curated table's, else a slug of the
    name with the unit the source's own scale gives."""
    known = benchmark_ids().get(benchmark_key(name))
    if known:
        return known
    return re.sub(r"[^a-z0-9.+]+", "_", benchmark_key(name)).strip("_"), name.strip(), unit


def _lab_host(url: str, model: str) -> bool:
    """True when the figure's page is the lab's own site (anthropic.com for anthropic/...) or its model card."""
    host = urlparse(url).netloc.lower()
    lab = model.split("/")[0].lower()
    return host == "huggingface.co" or lab in host


def models_dev_rows(tree: ModelsDevTree, *, source: str = "models_dev", checked: date | None = None) -> list[dict]:
    rows = []
    for score in tree.benchmarks:
        name = score["name"] + (f" {score['version']}" if score["version"] else "")
        scale = "index" if (score["metric"] or "").lower() == "index" else (
            "percent" if 0 <= score["score"] <= 100 else "score")
        benchmark, display, unit = identify(name, unit=scale)
        host = urlparse(score["url"]).netloc.lower()
        third = host in THIRD_PARTY_HOSTS or not _lab_host(score["url"], score["model"])
        rows.append(_row(
            benchmark=benchmark, benchmark_name=display, variant=score["variant"], metric=score["metric"], unit=unit,
            score=score["score"], higher_is_better=True, source_model=score["model"], source_model_id=score["model"],
            evaluator="third_party" if third else "self_reported", source="models_dev", source_url=score["url"],
            attribution=f"{ATTRIBUTION['models_dev']}; figure from {host}", measured=score["date"], checked=checked,
        ))
    return rows


def parse_models_dev(data: bytes, *, source: str = "models_dev", checked: date | None = None,
                     url: str | None = None) -> list[dict]:
    return models_dev_rows(parse_models_dev_tree(data, source=source), source=source, checked=checked)


def parse_llm_stats_scores(data: bytes, *, source: str = "llm_stats", checked: date | None = None,
                           url: str | None = None) -> list[dict]:
    """LLM Stats' scores: fractions of a benchmark whose max_score is 1 become percent; others keep their scale."""
    stats = parse_llm_stats(data, source=source)
    rows = []
    for score in stats.benchmarks:
        top = stats.max_scores.get(score["benchmark_id"], 1.0)
        value = score["score"] * 100 if top == 1.0 else score["score"]
        benchmark, display, unit = identify(score["name"], unit="percent" if top == 1.0 else "score")
        if unit == "percent" and top != 1.0:  # the curated unit is percent but this benchmark is not on 0..1
            unit = "score"
        if top != 1.0 and 0 <= value <= 1:  # a 0..1 figure of a benchmark scored up to 3000 (Codeforces): not on
            benchmark, display, unit = f"{benchmark}_normalized", f"{display} (normalized)", "fraction"  # its scale
        rows.append(_row(
            benchmark=benchmark, benchmark_name=display, variant=None, metric=score["method"], unit=unit,
            score=round(value, 4), higher_is_better=True, source_model=score["model"], source_model_id=score["model"],
            evaluator="self_reported" if score["self_reported"] else "third_party", source="llm_stats",
            source_url=score["url"] or LLM_STATS_MODEL_URL.format(model=score["model"]),
            attribution=ATTRIBUTION["llm_stats"], measured=score["date"], checked=checked,
        ))
    return rows


PARSERS = {"model_cards": parse_model_cards, "aider": parse_aider, "artificial_analysis": parse_artificial_analysis,
           "models_dev": parse_models_dev, "llm_stats": parse_llm_stats_scores}


def place(name: str, bases: set[str], resolver: ModelResolver,
          pointers: dict[str, list[str]] | None = None) -> tuple[str, str | None]:
    """(base model, why not) for a source's model name: the resolver's name when a route has it; else, for a
    models.dev model file, the one base model that the served routes pointing at the file resolve to (curated
    evidence); several different ones is a conflict, never guessed."""
    base, _, _, _ = resolver.resolve_name(name)
    if base in bases:
        return base, None
    served = (pointers or {}).get(name)
    if served:
        found = {b for b in (resolver.resolve_name(s)[0] for s in served) if b in bases}
        if len(found) == 1:
            return found.pop(), None
        if found:
            return base, f"models.dev routes pointing at it resolve to several base models: {sorted(found)}"
    return base, "no route of the catalog has this base model"


def link(rows: list[dict], routes: pa.Table, resolver: ModelResolver,
         pointers: dict[str, list[str]] | None = None) -> tuple[pa.Table, pa.Table, dict]:
    """Scope each row: to a route when a ROUTE_SCOPED source names an exact route key (aider's --model), else to
    the base model the resolver gives (or models.dev's pointers, see ``place``), when the catalog has it; the rest go
    to benchmark_unmatched. The same figure from several sources is then kept once (merge_duplicates).
    Returns (benchmarks, benchmark_unmatched, match rate per source)."""
    route_rows = routes.select(["route_id", "base_model", "family"]).to_pylist()
    by_route = {r["route_id"]: r for r in route_rows}
    families = {r["base_model"]: r["family"] for r in route_rows}
    matched, unmatched, counts = [], [], {}
    for row in rows:
        name = row["source_model"] or ""
        tally = counts.setdefault(row["source"], [0, 0])
        tally[1] += 1
        if name in by_route and row["source"] in ROUTE_SCOPED:
            route = by_route[name]
            row.update(scope="route", route_id=name, base_model=route["base_model"], family=route["family"])
        else:
            base, reason = place(name, families.keys(), resolver, pointers if row["source"] == "models_dev" else None)
            if reason:
                unmatched.append({"source": row["source"], "source_model": name, "benchmark": row["benchmark"],
                                  "score": row["score"], "resolved_name": base, "reason": reason})
                continue
            row.update(scope="base_model", route_id=None, base_model=base, family=families[base])
        tally[0] += 1
        matched.append(row)
    rates = {source: {"matched": m, "rows": n, "match_rate": round(m / n, 4) if n else None}
             for source, (m, n) in counts.items()}
    return (merge_duplicates(pa.Table.from_pylist(matched, schema=schemas.BENCHMARKS)),
            pa.Table.from_pylist(unmatched, schema=schemas.BENCHMARK_UNMATCHED), rates)


def merge_duplicates(benchmarks: pa.Table) -> pa.Table:
    """One row per figure (benchmark, model, scope, score to 0.1) across sources, naming every source that gave it."""
    con = duckdb.connect()
    con.register("matched", benchmarks)
    con.register("precedence", pa.table({"source": list(SOURCES), "priority": list(range(len(SOURCES)))}))
    merged = con.sql((SQL_DIR / "benchmarks" / "merge_duplicates.sql").read_text()).to_arrow_table()
    return merged.select(schemas.BENCHMARKS.names).cast(schemas.BENCHMARKS)
