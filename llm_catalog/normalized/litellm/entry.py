"""One model entry of the map to its rows: a route, its limits, its capabilities, and (through ``PriceRows`` and
``ExtraFields``) its prices and extra fields; each field that breaks a rule becomes a reject instead."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from llm_catalog.identity.providers import provider_display_name
from llm_catalog.identity.resolver import ModelResolver
from llm_catalog.normalized.fields import repeated_fields
from llm_catalog.normalized.litellm.fields import ExtraFields, deprecation_date, limit_value, storable_fields
from llm_catalog.normalized.litellm.modalities import route_modalities, stated_modalities
from llm_catalog.normalized.litellm.prices import PriceRows
from llm_catalog.normalized.litellm.rows import TableRows, as_json
from llm_catalog.normalized.litellm.vocabulary import CORE_CAPABILITIES, LIMIT_FIELDS
from llm_catalog.normalized.price_fields import parse_price_field
from llm_catalog.text import visible

CAPABILITY_NAME = re.compile(r"[a-z0-9_]{1,100}")  # what the capabilities table's critical expectation allows


@dataclass
class _Stated:
    """What one entry's fields state, gathered while they are walked."""

    limits: dict[str, int | None] = field(default_factory=lambda: {name: None for name in LIMIT_FIELDS})
    capabilities: dict[str, bool | None] = field(default_factory=lambda: {name: None for name in CORE_CAPABILITIES})
    inputs: list[str] | None = None
    outputs: list[str] | None = None
    deprecation: date | None = None
    source_url: str | None = None


class EntryNormalizer:
    """Walks model entries into ``out``; ``stats`` counts routes without a family or a provider display name."""

    def __init__(self, out: TableRows, resolver: ModelResolver, provider_names: dict[str, str], stats: Counter):
        self.out = out
        self.resolver = resolver
        self.provider_names = provider_names
        self.stats = stats
        self.extras = ExtraFields(out)
        self.prices = PriceRows(out, self.extras)

    def entry(self, route_id: str, entry: dict, alias_of: str | None) -> None:
        out = self.out
        for path, values in repeated_fields(entry):
            out.reject(
                route_id,
                visible(path),
                values,
                "duplicate_field",
                f"the field appears {len(values)} times in the entry; the last copy ({as_json(values[-1])}) is used, "
                "as LiteLLM does",
                severity="warning",
            )
        entry = storable_fields(out, route_id, entry)
        provider = entry["litellm_provider"]
        mode = self._mode(route_id, entry.get("mode"))
        resolution = self.resolver.resolve(route_id, provider)
        if resolution.family is None:
            self.stats["routes_without_family"] += 1
        if provider not in self.provider_names:
            self.stats["providers_without_display_name"] += 1

        stated = _Stated()
        for name, value in entry.items():
            if name not in ("litellm_provider", "mode", "alias_of"):
                self._field(route_id, name, value, stated, mode)

        inputs, outputs = route_modalities(mode, entry, stated.inputs, stated.outputs)
        out.rows["routes"].append(
            {
                "route_id": route_id,
                "provider": provider,
                "provider_name": provider_display_name(provider, self.provider_names),
                "model": resolution.model,
                "base_model": resolution.base_model,
                "family": resolution.family,
                "model_version": resolution.model_version,
                "resolved_by": resolution.resolved_by,
                "mode": mode,
                "input_modalities": inputs,
                "output_modalities": outputs,
                "modalities_stated": stated.inputs is not None and stated.outputs is not None,
                "region": resolution.region,
                "requires_own": resolution.requires_own,
                "alias_of": alias_of,
                "duplicate_of": None,
                "deprecation_date": stated.deprecation,
                "source_url": stated.source_url,
            }
        )
        # the map calls the input budget max_input_tokens; older entries only have the legacy max_tokens
        limits = stated.limits
        context = limits["max_input_tokens"] or limits["max_tokens"]
        out.rows["limits"].append({"route_id": route_id, "context_window": context, **limits})
        out.rows["capabilities"].extend(
            {"route_id": route_id, "capability": cap, "supported": supported}
            for cap, supported in stated.capabilities.items()
        )

    def _mode(self, route_id: str, mode) -> str | None:
        if mode is not None and not isinstance(mode, str):
            self.out.reject(route_id, "mode", mode, "mode_not_a_string", "mode must be a string")
            mode = None
        if mode is None:
            self.out.reject(route_id, "mode", None, "missing_mode", "the entry states no mode", severity="warning")
        return mode

    def _field(self, route_id: str, name: str, value, stated: _Stated, mode: str | None) -> None:
        """One field to where it belongs: a value of the route, its limits or capabilities, prices, extra fields."""
        if name == "source" and isinstance(value, str) and value.startswith(("http://", "https://")):
            stated.source_url = value
        elif name == "deprecation_date":
            stated.deprecation = deprecation_date(self.out, route_id, value)
        elif name == "supported_modalities":
            stated.inputs = stated_modalities(self.out, route_id, name, value)
        elif name == "supported_output_modalities":
            stated.outputs = stated_modalities(self.out, route_id, name, value)
        elif name in LIMIT_FIELDS:
            stated.limits[name] = limit_value(self.out, route_id, name, value, mode)
        elif name.startswith("supports_"):
            capability = name.removeprefix("supports_")
            if not CAPABILITY_NAME.fullmatch(capability):  # published as a capability's name: one spelling only
                self.out.reject(
                    route_id,
                    name,
                    value,
                    "capability_name_invalid",
                    "a capability flag is supports_ and 1-100 lower-case letters, digits or _; left out",
                )
            elif isinstance(value, bool):
                stated.capabilities[capability] = value
            else:
                self.out.reject(
                    route_id, name, value, "capability_not_boolean", "a supports_* flag must be true or false"
                )
        elif name == "tiered_pricing":
            self.prices.tiered_pricing(route_id, value)
        elif name == "off_peak_pricing":
            self.prices.off_peak(route_id, value)
        elif (parsed := parse_price_field(name)) is not None:
            self.prices.priced_field(route_id, name, value, parsed)
        else:
            self.extras.add(route_id, name, value)
