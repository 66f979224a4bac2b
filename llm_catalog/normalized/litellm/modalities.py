"""A route's input and output modalities: as the entry lists them, else inferred from its mode and flags."""

from __future__ import annotations

from llm_catalog.normalized.litellm.rows import TableRows
from llm_catalog.normalized.litellm.vocabulary import FLAG_INPUTS, MODALITIES, MODE_MODALITIES, OUTPUT_VOCABULARY
from llm_catalog.text import hidden_message


def stated_modalities(out: TableRows, route_id: str, name: str, value) -> list[str] | None:
    """``supported_modalities`` or ``supported_output_modalities`` as a sorted list of lower-case names; None, with
    the field rejected, when it is not a list of names. Names outside the vocabulary are kept, with a warning."""
    vocabulary = MODALITIES if name == "supported_modalities" else OUTPUT_VOCABULARY
    if isinstance(value, list) and value and all(isinstance(m, str) for m in value):
        if hidden := next((why for m in value if (why := hidden_message(m, "a modality"))), None):
            out.reject(route_id, name, value, "hidden_characters", hidden)
            return None
        listed = sorted({m.lower() for m in value})
        unknown = [m for m in listed if m not in vocabulary]
        if unknown:
            out.reject(route_id, name, value, "modality_unknown", f"unknown modality {unknown}", "warning")
        return listed
    out.reject(route_id, name, value, "modalities_not_a_list", "expected a list of modality names")
    return None


def route_modalities(mode, entry: dict, stated_inputs, stated_outputs) -> tuple[list | None, list | None]:
    """(inputs, outputs): the stated lists, else what the mode takes and gives, widened by the capability flags."""
    inferred = MODE_MODALITIES.get(mode)
    inputs, outputs = stated_inputs, stated_outputs
    if inputs is None and inferred:
        inputs = list(inferred[0])
        if mode in ("chat", "completion", "responses", "realtime"):
            inputs += [m for flag, m in FLAG_INPUTS.items() if entry.get(flag) is True and m not in inputs]
        if mode == "embedding" and entry.get("supports_embedding_image_input") is True:
            inputs.append("image")
        inputs = sorted(inputs)
    if outputs is None and inferred:
        outputs = list(inferred[1])
        if mode in ("chat", "responses") and entry.get("supports_audio_output") is True:
            outputs.append("audio")
        outputs = sorted(outputs)
    return inputs, outputs
