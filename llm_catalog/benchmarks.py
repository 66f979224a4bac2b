"""Benchmark sources: parse each source's payload into score rows, then link every row to the catalog's models with
the same resolver the routes use (llm_catalog.models), exact matches only.

Sources (formats in shared notes, each with its own raw payload kept by sha256):
- model_cards: the curated ``data/benchmarks/model_cards.csv`` (vendor-reported figures, each with its source URL
  and the date it was checked);
- aider: the Aider polyglot leaderboard YAML (third party; its ``command`` names the exact model argument run);
- artificial_analysis: the Artificial Analysis API's JSON (third party, attribution required by its terms).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shlex
from datetime import date

import pyarrow as pa
import yaml

from llm_catalog import schemas
from llm_catalog.errors import SourceError
from llm_catalog.models import ModelResolver

SOURCES = ("model_cards", "aider", "artificial_analysis")
AIDER_URL = "https://raw.githubusercontent.com/Aider-AI/aider/main/aider/website/_data/polyglot_leaderboard.yml"
ARTIFICIAL_ANALYSIS_URL = "https://artificialanalysis.ai/api/v2/data/llms/models"
ARTIFICIAL_ANALYSIS_KEY_ENV = "ARTIFICIAL_ANALYSIS_API_KEY"
ATTRIBUTION = {
    "model_cards": "vendor model cards (self-reported; see source_url)",
    "aider": "Aider polyglot leaderboard, Apache-2.0",
    "artificial_analysis": "Artificial Analysis (artificialanalysis.ai), used with attribution per its terms",
}
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


PARSERS = {"model_cards": parse_model_cards, "aider": parse_aider, "artificial_analysis": parse_artificial_analysis}


def link(rows: list[dict], routes: pa.Table, resolver: ModelResolver) -> tuple[pa.Table, pa.Table, dict]:
    """Scope each row: to a route when the source names an exact route key of the catalog (aider's --model), else to
    the base model the resolver gives, when the catalog has it; the rest go to benchmark_unmatched.
    Returns (benchmarks, benchmark_unmatched, match rate per source)."""
    route_rows = routes.select(["route_id", "base_model", "family"]).to_pylist()
    by_route = {r["route_id"]: r for r in route_rows}
    families = {r["base_model"]: r["family"] for r in route_rows}
    matched, unmatched, counts = [], [], {}
    for row in rows:
        name = row["source_model"] or ""
        tally = counts.setdefault(row["source"], [0, 0])
        tally[1] += 1
        if name in by_route:
            route = by_route[name]
            row.update(scope="route", route_id=name, base_model=route["base_model"], family=route["family"])
        else:
            base, family, _, _ = resolver.resolve_name(name)
            if base not in families:
                unmatched.append({"source": row["source"], "source_model": name, "benchmark": row["benchmark"],
                                  "score": row["score"], "resolved_name": base,
                                  "reason": "no route of the catalog has this base model"})
                continue
            row.update(scope="base_model", route_id=None, base_model=base, family=families[base] or family)
        tally[0] += 1
        matched.append(row)
    rates = {source: {"matched": m, "rows": n, "match_rate": round(m / n, 4) if n else None}
             for source, (m, n) in counts.items()}
    return (pa.Table.from_pylist(matched, schema=schemas.BENCHMARKS),
            pa.Table.from_pylist(unmatched, schema=schemas.BENCHMARK_UNMATCHED), rates)
