"""What the index page ships to its scripts: the filters' choices, a row per route (numbers to filter and sort, texts
as the page writes them) and the search's spelling table (llm_catalog.readers.search.spellings), shipped as the
entries that differ from what the rows themselves give (search.js rebuilds the same table)."""

from __future__ import annotations

from llm_catalog.readers import formatting
from llm_catalog.readers.search import normalized
from llm_catalog.site import links
from llm_catalog.text import visible

PER_1M = "usd_per_1m_tokens"
COLUMNS = [
    "id",
    "path",
    "name",
    "model",  # the full model name where it differs from the shown name (search ranks it), else null
    "provider",
    "provider_name",
    "provider_named",  # whether the route states a provider name (search scores the provider field only then)
    "provider_path",  # the provider's page (site/providers.py)
    "base",
    "base_path",
    "family",
    "mode",
    "inputs",
    "outputs",
    "features",
    "input",
    "input_text",
    "output",
    "output_text",
    "context",
    "context_text",
    "disagree",
    "duplicate",
    "benchmarks",
    "providers",
]


def filters(index: list[dict]) -> dict:
    """The choices of the index's filters, from the routes themselves."""
    return {
        "providers": sorted({(r["provider"], r["provider_name"]) for r in index}, key=lambda p: (p[1].lower(), p[0])),
        "modes": sorted({r["mode"] for r in index if r["mode"]}),
        "inputs": sorted({m for r in index for m in r["input_modalities"] or []}),
        "outputs": sorted({m for r in index for m in r["output_modalities"] or []}),
        "capabilities": sorted({f for r in index for f in r["features"]}),
        "disagreeing": sum(r["disagree"] for r in index),
        "benchmarked": sum(r["has_benchmarks"] for r in index),
    }


def _row(r: dict) -> list:
    return [
        r["route_id"],
        links.route_path(r["route_id"]),
        r["model_name"],
        None if r["model"] == r["model_name"] else r["model"],
        r["provider"],
        r["provider_name"],
        r["stated_provider_name"] is not None,
        links.provider_path(r["provider"]),
        r["base_model"],
        links.model_path(r["base_model"]),
        r["family"],
        r["mode"],
        r["input_modalities"],
        r["output_modalities"],
        r["features"],
        r["input_price"] if r["input_price_unit"] == PER_1M else None,
        formatting.money(r["input_price"], r["input_price_unit"] or PER_1M),
        r["output_price"] if r["output_price_unit"] == PER_1M else None,
        formatting.money(r["output_price"], r["output_price_unit"] or PER_1M),
        r["context_window"],
        formatting.tokens(r["context_window"]),
        r["disagree"],
        r["duplicate"],
        r["has_benchmarks"],
        r["base_providers"],
    ]


def derived_spellings(index: list[dict]) -> dict[str, str]:
    """The spellings the rows give as the page ships them (text.visible): each route's id and model name
    (lowercased, normalized) -> its base model, the first route in the index's order winning; search.js derives the
    same from the rows it is given."""
    table: dict[str, str] = {}
    for r in index:
        for spelling in (r["route_id"], r["model"]):
            table.setdefault(normalized(visible(spelling)), visible(r["base_model"]))
    return table


def shipped_spellings(index: list[dict], names: dict[str, str]) -> dict[str, str]:
    """The entries of the spelling table ``names`` the rows do not give (a spelling that is its own base model is
    left out too: search takes the spelling itself when the table has none). Shown as the rows are (text.visible:
    a hidden code point in an id is written out on the page, in its row and here alike)."""
    names = {visible(key): visible(base) for key, base in names.items()}
    derived = derived_spellings(index)
    return {key: base for key, base in names.items() if derived.get(key, key) != base}


def index_data(index: list[dict], names: dict[str, str]) -> dict:
    """What the index's script filters, sorts, searches and draws rows from: a row per route in the table's order,
    prices and limits both as numbers and as the page writes them (one formatter: formatting.money/tokens), and the
    spellings of search's table the rows do not give."""
    rows = [[_visible_value(v) for v in _row(r)] for r in index]
    return {"columns": COLUMNS, "rows": rows, "spellings": shipped_spellings(index, names)}


def _visible_value(value):
    """A value of the index's data as the page would show it: the script writes its strings as they are."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [_visible_value(v) for v in value]
    return value
