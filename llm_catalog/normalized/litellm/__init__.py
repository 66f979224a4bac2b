"""Normalize the LiteLLM model cost map into the catalog's tables.

Every top-level entry and every field of it ends up in exactly one place: a typed table (routes, prices, limits,
capabilities), ``extra_fields`` (kept verbatim as JSON, flagged ``known`` or not), or ``rejects`` (with the rule it
broke). Nothing is dropped silently; ``NormalizedMap.stats`` counts each path.

In the order the map flows through: ``payload`` (the JSON text to entries), ``vocabulary`` (the fields, modalities,
limits and rules the normalizer knows), ``rows`` (the tables being filled), ``fields`` (unstorable fields,
token limits, dates, extra fields), ``modalities``, ``prices``, ``entry`` (one model entry to its rows) and
``normalize`` (the whole map: entry-level rejects, aliases, duplicate routes, stats).
"""
