"""The published tables' schemas: the consumer contract. A column is added here, never renamed or retyped."""

from __future__ import annotations

import pyarrow as pa

ROUTES = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),  # the cost map's key
        pa.field("provider", pa.string(), nullable=False),  # litellm_provider
        pa.field("provider_name", pa.string()),
        pa.field("model", pa.string(), nullable=False),  # route_id without its provider prefix
        pa.field("base_model", pa.string(), nullable=False),
        pa.field("family", pa.string()),  # null: no rule resolved it (counted in the run metadata)
        pa.field("model_version", pa.string()),  # a date stamp or @version split off the name
        pa.field("resolved_by", pa.string(), nullable=False),  # alias | rules
        pa.field("mode", pa.string()),
        pa.field("input_modalities", pa.list_(pa.string())),
        pa.field("output_modalities", pa.list_(pa.string())),
        pa.field("modalities_stated", pa.bool_(), nullable=False),  # false: inferred from mode and flags
        pa.field("region", pa.string()),  # a region segment or dotted geography in the key; '*' for any
        # what of the user's own the route needs: fine_tune | provisioned_throughput | custom_model; never similar
        pa.field("requires_own", pa.string()),
        pa.field("alias_of", pa.string()),  # the entry this key is an alias of (its fields are the target's)
        pa.field("duplicate_of", pa.string()),  # same provider, same model, same data under a shorter key
        pa.field("deprecation_date", pa.date32()),
        pa.field("source_url", pa.string()),
    ]
)

# what a price is of: unique per route in `prices`, one series per key in `price_history`
PRICE_KEY = [
    pa.field("route_id", pa.string(), nullable=False),
    pa.field("price_kind", pa.string(), nullable=False),
    pa.field("tier", pa.string(), nullable=False),
    pa.field("condition", pa.string()),
    pa.field("unit", pa.string(), nullable=False),
]

PRICES = pa.schema(
    [
        *PRICE_KEY,
        pa.field("usd", pa.float64(), nullable=False),
        pa.field("source_field", pa.string(), nullable=False),
    ]
)

LIMITS = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("context_window", pa.int64()),
        pa.field("max_input_tokens", pa.int64()),
        pa.field("max_output_tokens", pa.int64()),
        pa.field("max_tokens", pa.int64()),
    ]
)

CAPABILITIES = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("capability", pa.string(), nullable=False),
        pa.field("supported", pa.bool_()),  # null: the map does not say (unknown is not false)
    ]
)

EXTRA_FIELDS = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("field", pa.string(), nullable=False),
        pa.field("value_json", pa.string(), nullable=False),
        pa.field("known", pa.bool_(), nullable=False),  # false: a field the normalizer has never seen
    ]
)

REJECTS = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),  # the cost map's key, also for entries left out
        pa.field("field", pa.string()),  # null: the whole entry
        pa.field("value", pa.string()),  # JSON text of what was rejected
        pa.field("rule", pa.string(), nullable=False),
        pa.field("message", pa.string(), nullable=False),
        # error: left out, it broke a rule; warning: published, flagged; info: left out by design (not a model)
        pa.field("severity", pa.string(), nullable=False),
    ]
)

# where a published value comes from (llm_catalog.reconciliation.choose): the catalog's tables are every pricing
# source's normalized tables (NORMALIZED, one set per source) reconciled into one route per provider and model
_SOURCE_LIST = pa.list_(pa.string())
PROVENANCE = [
    pa.field("source", pa.string(), nullable=False),  # the source whose statement was chosen
    pa.field("sources_stating", _SOURCE_LIST, nullable=False),  # every source stating the field, in source order
    pa.field("sources_agreeing", _SOURCE_LIST, nullable=False),  # those that agree with the chosen value
    pa.field("rule", pa.string(), nullable=False),  # the rule that chose it (choose.RULES)
]
CATALOG_ROUTES = pa.schema(
    [
        *ROUTES,
        pa.field("sources", _SOURCE_LIST, nullable=False),  # every source listing it
        # a runtime you run yourself (Ollama, LM Studio...: data/provider_names/self_hosted.csv), never a provider
        # whose price competes; older snapshots lack the column (readers take the provider list instead)
        pa.field("self_hosted", pa.bool_(), nullable=False),
    ]
)
CATALOG_PRICES = pa.schema([*PRICES, *PROVENANCE])
CATALOG_CAPABILITIES = pa.schema([*CAPABILITIES, *PROVENANCE])
_FROM_SOURCE = pa.field("source", pa.string(), nullable=False)  # the source whose entry the row is about
CATALOG_EXTRA_FIELDS = pa.schema([*EXTRA_FIELDS, _FROM_SOURCE])  # route_id: the catalog's route
CATALOG_REJECTS = pa.schema([*REJECTS, _FROM_SOURCE])  # route_id: the entry as its source names it
LIMIT_PROVENANCE = pa.schema(  # `limits`, one row per stated limit, with where each value comes from
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("limit_name", pa.string(), nullable=False),  # a column of LIMITS
        pa.field("value", pa.int64(), nullable=False),
        *PROVENANCE,
    ]
)
ROUTE_SOURCES = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),  # the catalog's route
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_route_id", pa.string(), nullable=False),  # the route as that source names it
        pa.field("matched_by", pa.string(), nullable=False),  # own_id | same_model | same_name | serving_variant | new
    ]
)


def _statements(value: pa.Field) -> pa.Field:
    """Every source's statement of a field: its route id, its value, its date and the failure class it fell in."""
    item = pa.struct(
        [
            ("source", pa.string()),
            ("source_route_id", pa.string()),
            value,
            ("as_of", pa.date32()),
            ("flag", pa.string()),  # null, or a known failure class: unit_slip | cache_price_in_input
        ]
    )
    return pa.field("statements", pa.list_(item), nullable=False)


_DECISION = [pa.field("source", pa.string(), nullable=False), pa.field("rule", pa.string(), nullable=False)]
# the fields where a source states a value that does not agree with the chosen one: the chosen value, the rule that
# chose it and every source's statement
PRICE_DISAGREEMENTS = pa.schema(
    [*PRICE_KEY, pa.field("usd", pa.float64(), nullable=False), *_DECISION, _statements(pa.field("usd", pa.float64()))]
)
LIMIT_DISAGREEMENTS = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("limit_name", pa.string(), nullable=False),
        pa.field("value", pa.int64(), nullable=False),
        *_DECISION,
        _statements(pa.field("value", pa.int64())),
    ]
)
CAPABILITY_DISAGREEMENTS = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("capability", pa.string(), nullable=False),
        pa.field("supported", pa.bool_(), nullable=False),
        *_DECISION,
        _statements(pa.field("supported", pa.bool_())),
    ]
)

SIMILAR_MODELS = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("lens", pa.string(), nullable=False),  # overall | cost | modality | capabilities | context
        pa.field("rank", pa.int32(), nullable=False),  # 1 = closest
        # the cheapest of the other model's variants on its provider (regions, dated keys, deployment types)
        pa.field("other_route_id", pa.string(), nullable=False),
        pa.field("variants", pa.int32(), nullable=False),  # how many routes of that model and provider it stands for
        pa.field("score", pa.float64(), nullable=False),  # the lens score, 0..1
        pa.field("cost_score", pa.float64(), nullable=False),
        pa.field("modality_score", pa.float64(), nullable=False),
        pa.field("capability_score", pa.float64(), nullable=False),
        pa.field("context_score", pa.float64(), nullable=False),
        pa.field("quality_score", pa.float64(), nullable=False),  # 0.5 where the two share no quality scale
        pa.field("reasons", pa.list_(pa.string()), nullable=False),
    ]
)

ALTERNATIVES = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("rank", pa.int32(), nullable=False),  # 1 = cheapest by price_basis; unpriced last
        pa.field("other_route_id", pa.string(), nullable=False),
        pa.field("other_provider", pa.string(), nullable=False),
        pa.field("other_provider_name", pa.string()),
        pa.field("price_basis", pa.string(), nullable=False),  # e.g. usd_per_1m_tokens_3in_1out
        pa.field("other_unit_price", pa.float64()),
        pa.field("other_input_usd_per_1m", pa.float64()),
        pa.field("other_output_usd_per_1m", pa.float64()),
        pa.field("price_difference", pa.float64()),  # other - this route, in price_basis
        pa.field("price_ratio", pa.float64()),  # other / this route
        pa.field("other_context_window", pa.int64()),
        pa.field("context_difference", pa.int64()),
        pa.field("capabilities_gained", pa.list_(pa.string())),  # the other supports, this route does not (or unknown)
        pa.field("capabilities_lost", pa.list_(pa.string())),  # this route supports, the other states it does not
        pa.field("capabilities_unknown", pa.list_(pa.string())),  # this route supports, the other does not say
    ]
)

BENCHMARKS = pa.schema(
    [
        pa.field("benchmark", pa.string(), nullable=False),  # stable id, e.g. gpqa_diamond, aa_gpqa
        pa.field("benchmark_name", pa.string(), nullable=False),  # display name
        pa.field("variant", pa.string()),  # e.g. "no tools", "with tools", an aider edit format
        pa.field("metric", pa.string()),
        pa.field("unit", pa.string(), nullable=False),  # percent | fraction | elo | index | score
        pa.field("score", pa.float64(), nullable=False),
        pa.field("higher_is_better", pa.bool_(), nullable=False),
        pa.field("reasoning_effort", pa.string()),
        pa.field("source_model", pa.string(), nullable=False),  # the model as the source wrote it
        pa.field("source_model_id", pa.string()),  # the source's own stable id, where it has one
        pa.field("base_model", pa.string(), nullable=False),
        pa.field("family", pa.string()),
        pa.field("scope", pa.string(), nullable=False),  # base_model | route
        pa.field("route_id", pa.string()),  # where scope = route
        pa.field("evaluator", pa.string(), nullable=False),  # self_reported | third_party
        pa.field(
            "source", pa.string(), nullable=False
        ),  # model_cards | models_dev | llm_stats | aider | artificial_analysis | lmarena
        pa.field("source_url", pa.string(), nullable=False),
        pa.field("attribution", pa.string(), nullable=False),  # licence or attribution the source requires
        pa.field("measured", pa.date32()),
        pa.field("checked", pa.date32()),
        pa.field("reported_by", pa.list_(pa.string())),  # every source that gave this same figure (this row's first)
    ]
)

MODELS = pa.schema(
    [
        pa.field("base_model", pa.string(), nullable=False),  # as routes.base_model
        pa.field("family", pa.string()),
        pa.field("display_name", pa.string()),
        pa.field("release_date", pa.string()),  # YYYY-MM-DD, or YYYY-MM where the source gives only the month
        pa.field("knowledge_cutoff", pa.string()),  # YYYY-MM or YYYY-MM-DD
        pa.field("open_weights", pa.bool_()),
        pa.field("parameter_count", pa.int64()),
        pa.field("docs_url", pa.string()),
        pa.field("weights_url", pa.string()),
        pa.field("routes", pa.int64(), nullable=False),  # routes of the catalog with this base model
        pa.field("provenance", pa.map_(pa.string(), pa.string())),  # field -> the source that said it
        pa.field("attribution", pa.list_(pa.string())),  # the licence attribution of every source in provenance
    ]
)

BENCHMARK_UNMATCHED = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_model", pa.string(), nullable=False),
        pa.field("benchmark", pa.string(), nullable=False),
        pa.field("score", pa.float64()),
        pa.field("resolved_name", pa.string()),  # what the resolver made of the name
        pa.field("reason", pa.string(), nullable=False),
    ]
)

CHANGES = pa.schema(
    [
        pa.field("snapshot_id", pa.string(), nullable=False),
        pa.field("previous_snapshot_id", pa.string(), nullable=False),
        pa.field("as_of", pa.date32(), nullable=False),
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("change", pa.string(), nullable=False),  # added removed price limit capability modality metadata
        # what changed, for a person: "input price per 1M tokens", "max output tokens", "vision"; "route" for an
        # added or removed route
        pa.field("field", pa.string()),
        pa.field("old_value", pa.string()),  # as text: "$0.03", "131,072", "supported"; a removed route: what it was
        pa.field("new_value", pa.string()),  # an added route: its mode and standard prices
        pa.field("relative_change", pa.float64()),  # prices: new_usd / old_usd - 1
        # prices: the price key and both amounts (null where the price was not there)
        *[pa.field(f.name, f.type) for f in PRICE_KEY[1:]],
        pa.field("old_usd", pa.float64()),
        pa.field("new_usd", pa.float64()),
        # limits: the limits column and both values
        pa.field("limit_name", pa.string()),
        pa.field("old_limit", pa.int64()),
        pa.field("new_limit", pa.int64()),
        # capabilities: the capability and both flags (null: not stated)
        pa.field("capability", pa.string()),
        pa.field("old_supported", pa.bool_()),
        pa.field("new_supported", pa.bool_()),
        # prices and corrections (a source corrected itself to agree with the others): the sources whose statement
        # moved (null: the snapshots could not tell)
        pa.field("moved_sources", pa.list_(pa.string())),
    ]
)

# the period a value held: from the as_of of the first snapshot with it up to the as_of of the snapshot where it
# changed or went (null while current)
PERIOD = [pa.field("valid_from", pa.date32(), nullable=False), pa.field("valid_to", pa.date32())]

PRICE_HISTORY = pa.schema(
    [
        *PRICE_KEY,
        pa.field("usd", pa.float64(), nullable=False),
        *PERIOD,
    ]
)

LIMIT_HISTORY = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("limit_name", pa.string(), nullable=False),
        pa.field("value", pa.int64(), nullable=False),
        *PERIOD,
    ]
)

CAPABILITY_HISTORY = pa.schema(
    [
        pa.field("route_id", pa.string(), nullable=False),
        pa.field("capability", pa.string(), nullable=False),
        pa.field("supported", pa.bool_(), nullable=False),
        *PERIOD,
    ]
)

SNAPSHOTS = pa.schema(
    [
        pa.field("snapshot_id", pa.string(), nullable=False),
        pa.field("created_at", pa.timestamp("ms", tz="UTC"), nullable=False),  # when it was published
        pa.field("as_of", pa.date32(), nullable=False),  # the date its data describes
        pa.field("fingerprint", pa.string(), nullable=False),
        pa.field("code_version", pa.string(), nullable=False),
        pa.field(
            "sources",
            pa.list_(
                pa.struct(
                    [
                        ("source", pa.string()),
                        ("origin", pa.string()),
                        ("sha256", pa.string()),
                        ("size_bytes", pa.int64()),
                        ("version", pa.string()),
                        ("status", pa.string()),  # fetched | fallback | skipped
                    ]
                )
            ),
        ),
        pa.field("row_counts", pa.map_(pa.string(), pa.int64())),
    ]
)

# the tables each pricing source is normalized into (one set per source, before reconciliation)
NORMALIZED: dict[str, pa.Schema] = {
    "routes": ROUTES,
    "prices": PRICES,
    "limits": LIMITS,
    "capabilities": CAPABILITIES,
    "extra_fields": EXTRA_FIELDS,
    "rejects": REJECTS,
}
# the catalog: every source's normalized tables reconciled, each value with its provenance
CATALOG: dict[str, pa.Schema] = {
    "routes": CATALOG_ROUTES,
    "prices": CATALOG_PRICES,
    "limits": LIMITS,
    "capabilities": CATALOG_CAPABILITIES,
    "extra_fields": CATALOG_EXTRA_FIELDS,
    "rejects": CATALOG_REJECTS,
}
# how the sources were reconciled: who states each route, where each limit comes from, and every disagreement
RECONCILIATION: dict[str, pa.Schema] = {
    "route_sources": ROUTE_SOURCES,
    "limit_provenance": LIMIT_PROVENANCE,
    "price_disagreements": PRICE_DISAGREEMENTS,
    "limit_disagreements": LIMIT_DISAGREEMENTS,
    "capability_disagreements": CAPABILITY_DISAGREEMENTS,
}
# the tables computed from the catalog's
DERIVED: dict[str, pa.Schema] = {
    "similar_models": SIMILAR_MODELS,
    "alternatives": ALTERNATIVES,
    "benchmarks": BENCHMARKS,
    "benchmark_unmatched": BENCHMARK_UNMATCHED,
    "models": MODELS,
}
# every table a snapshot publishes, in order; `snapshots` is written by the publisher itself
TABLES: dict[str, pa.Schema] = {**CATALOG, **RECONCILIATION, **DERIVED}
# the history tables, carried from snapshot to snapshot by the publisher (llm_catalog.history)
HISTORY: dict[str, pa.Schema] = {
    "changes": CHANGES,
    "price_history": PRICE_HISTORY,
    "limit_history": LIMIT_HISTORY,
    "capability_history": CAPABILITY_HISTORY,
}
PUBLISHED_TABLES: dict[str, pa.Schema] = {**TABLES, **HISTORY, "snapshots": SNAPSHOTS}
# the tables of a snapshot: all of them; an earlier release's (llm_catalog.history.releases), published before the
# current one to give a fresh warehouse its history, only the catalog's and the history tables
FULL_SNAPSHOT = frozenset(PUBLISHED_TABLES)
EARLIER_SNAPSHOT = frozenset({*CATALOG, *HISTORY, "snapshots"})
