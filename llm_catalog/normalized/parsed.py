"""What a source's parser gives: one ParsedSource per source (model facts, benchmark scores, the evidence that places
them), in a shape the IO manager hands on as JSON, so that each payload is parsed once per sync."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

import pyarrow as pa

from llm_catalog import schemas

_DATE_FIELDS = tuple(f.name for f in schemas.BENCHMARKS if pa.types.is_date32(f.type))


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


def score_row(**values) -> dict:
    """One benchmark figure as a source gives it: a row of the benchmarks table before linking."""
    return {f.name: values.get(f.name) for f in schemas.BENCHMARKS}


@dataclass
class ParsedSource:
    """One source's payload, parsed. ``skipped`` says why there is nothing (the source was skipped or turned off)."""

    source: str
    models: list[ModelFacts] = field(default_factory=list)  # each model once, as the source names it
    scores: list[dict] = field(default_factory=list)  # benchmark rows (score_row), not yet linked
    pointers: dict[str, list[str]] = field(default_factory=dict)  # a model -> the served ids that say they are it
    provider_docs: dict[str, str] = field(default_factory=dict)  # provider id -> its docs link
    left_out: list[dict] = field(default_factory=list)  # values left out: {entry, field, value, rule, message}
    skipped: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready: dates as YYYY-MM-DD."""
        scores = [{k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()} for row in self.scores]
        # one level down by hand: every value is flat, and asdict's recursive deep copy cost half a second a sync
        return {
            **{f.name: getattr(self, f.name) for f in fields(self)},
            "models": [{f.name: getattr(m, f.name) for f in fields(ModelFacts)} for m in self.models],
            "scores": scores,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ParsedSource:
        scores = [
            {k: date.fromisoformat(v) if k in _DATE_FIELDS and v else v for k, v in row.items()}
            for row in data["scores"]
        ]
        return cls(**{**data, "models": [ModelFacts(**m) for m in data["models"]], "scores": scores})
