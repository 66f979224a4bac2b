"""aider: the Aider polyglot leaderboard YAML (third party; its ``command`` names the exact model argument run)."""

from __future__ import annotations

import shlex
from datetime import date

import yaml

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.fields import REASONING_EFFORT, day, number
from llm_catalog.normalized.parsed import ParsedSource, score_row

URL = "https://raw.githubusercontent.com/Aider-AI/aider/main/aider/website/_data/polyglot_leaderboard.yml"
ENV = "LLM_CATALOG_AIDER"
ATTRIBUTION = "Aider polyglot leaderboard, Apache-2.0"


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


def parse_aider(
    data: bytes, *, source: str = "aider", checked: date | None = None, url: str | None = None
) -> list[dict]:
    try:
        entries = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BrokenPayloadError(source, f"not valid YAML: {exc}") from exc
    if not isinstance(entries, list) or not entries:
        raise BrokenPayloadError(source, "expected a non-empty YAML list of leaderboard runs")
    rows = []
    for i, run in enumerate(entries):
        if not isinstance(run, dict):
            raise BrokenPayloadError(source, "a run must be a mapping", entry=f"item {i}")
        entry = str(run.get("dirname") or run.get("model") or f"item {i}")
        if "pass_rate_2" not in run:
            raise BrokenPayloadError(source, "no pass_rate_2", entry=entry, field="pass_rate_2")
        score = number(run["pass_rate_2"], source=source, entry=entry, field="pass_rate_2")
        name = str(run.get("model") or "")
        effort = run.get("reasoning_effort")
        if effort is None and (found := REASONING_EFFORT.search(name)):
            effort = found["effort"].lower()
        command = str(run.get("command") or "")
        effort = effort or aider_option(command, "--reasoning-effort")
        rows.append(
            score_row(
                benchmark="aider_polyglot",
                benchmark_name="Aider polyglot",
                variant=run.get("edit_format"),
                metric="pass_rate_2",
                unit="percent",
                score=score,
                higher_is_better=True,
                reasoning_effort=str(effort) if effort is not None else None,
                source_model=aider_option(command, "--model") or REASONING_EFFORT.sub("", name),
                evaluator="third_party",
                source="aider",
                source_url=url or URL,
                attribution=ATTRIBUTION,
                measured=day(run.get("date"), source=source, entry=entry, field="date"),
                checked=checked,
            )
        )
    return rows


def parse(data: bytes, *, source: str = "aider", checked: date | None = None, url: str | None = None) -> ParsedSource:
    return ParsedSource("aider", scores=parse_aider(data, source=source, checked=checked, url=url))
