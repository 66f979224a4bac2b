"""artificial_analysis: the Artificial Analysis models API's JSON (third party, attribution required by its terms)."""

from __future__ import annotations

import json
from datetime import date

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.fields import REASONING_EFFORT, day, number
from llm_catalog.normalized.parsed import ParsedSource, score_row

URL = "https://artificialanalysis.ai/api/v2/data/llms/models"
KEY_ENV = "ARTIFICIAL_ANALYSIS_API_KEY"  # sent as the x-api-key header
ATTRIBUTION = "Artificial Analysis (artificialanalysis.ai), used with attribution per its terms"
# evaluations: display names; index values are 0-100, the rest fractions 0-1
NAMES = {
    "artificial_analysis_intelligence_index": "Artificial Analysis Intelligence Index",
    "artificial_analysis_coding_index": "Artificial Analysis Coding Index",
    "artificial_analysis_math_index": "Artificial Analysis Math Index",
    "artificial_analysis_agentic_index": "Artificial Analysis Agentic Index",
    "mmlu_pro": "MMLU-Pro",
    "gpqa": "GPQA Diamond",
    "hle": "Humanity's Last Exam",
    "livecodebench": "LiveCodeBench",
    "scicode": "SciCode",
    "aime_25": "AIME 2025",
    "ifbench": "IFBench",
    "lcr": "AA-LCR",
    "terminalbench_hard": "Terminal-Bench Hard",
    "tau2": "tau2-bench",
}


def parse_artificial_analysis(
    data: bytes, *, source: str = "artificial_analysis", checked: date | None = None, url: str | None = None
) -> list[dict]:
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BrokenPayloadError(source, f"not valid JSON: {exc}") from exc
    models = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(models, list):
        raise BrokenPayloadError(source, "expected an object with a 'data' list of models")
    rows = []
    for i, model in enumerate(models):
        if not isinstance(model, dict):
            raise BrokenPayloadError(source, "a model must be an object", entry=f"data[{i}]")
        entry = str(model.get("id") or model.get("slug") or f"data[{i}]")
        evaluations = model.get("evaluations") or {}
        if not isinstance(evaluations, dict):
            raise BrokenPayloadError(source, "evaluations must be an object", entry=entry, field="evaluations")
        name = str(model.get("name") or model.get("slug") or "")
        found = REASONING_EFFORT.search(name)
        for key, value in evaluations.items():  # every key, known or not: new evaluations are carried
            score = number(value, source=source, entry=entry, field=f"evaluations.{key}")
            if score is None:
                continue
            index = key.endswith("_index")
            rows.append(
                score_row(
                    benchmark=f"aa_{key}",
                    benchmark_name=NAMES.get(key, key.replace("_", " ").title()),
                    variant=None,
                    metric=key,
                    unit="index" if index else "fraction",
                    score=score,
                    higher_is_better=True,
                    reasoning_effort=found["effort"].lower() if found else None,
                    source_model=str(model.get("slug") or REASONING_EFFORT.sub("", name)),
                    source_model_id=entry,
                    evaluator="third_party",
                    source="artificial_analysis",
                    source_url=url or URL,
                    attribution=ATTRIBUTION,
                    measured=day(model.get("release_date"), source=source, entry=entry, field="release_date"),
                    checked=checked,
                )
            )
    return rows


def parse(
    data: bytes, *, source: str = "artificial_analysis", checked: date | None = None, url: str | None = None
) -> ParsedSource:
    return ParsedSource(
        "artificial_analysis", scores=parse_artificial_analysis(data, source=source, checked=checked, url=url)
    )
