"""What a route page shows beyond the page data of llm_catalog.readers.page: the headline prices, the pricing table's
groups (each price with its sources and, where they disagree, every source's value), the limits with theirs, the
snapshot's sources with whether each states the route, the quick read, and the similar models: the reference row,
the rows the first lens lists and the rows only other lenses list (whose table, every lens in one,
page.similar_tables reads), each listed route's cells as similar_texts writes them."""

from __future__ import annotations

from urllib.parse import quote

from llm_catalog.readers import counts
from llm_catalog.readers.formatting import LIMIT_LABELS, exact_tokens, modality_text, money, rule_text, tokens
from llm_catalog.site import links
from llm_catalog.site.charts import price_chart

KIND_LABELS = {"input": "Input", "output": "Output", "cache_read": "Cached input", "cache_write": "Cache write"}


REFERENCE_REASONS = "Current model, Reference row"


def route_view(page: dict, similar: list[dict] | None = None, cells: dict[str, dict] | None = None) -> dict:
    """What the page of ``page`` shows beyond its data; ``similar`` is its similar-models table (page.similar_tables)
    and ``cells`` what the table shows of each route (page.route_cells)."""
    similar = similar or []
    route_id = page["route"]["route_id"]
    reference = {**similar_texts(cells[route_id]), "reasons": REFERENCE_REASONS} if similar else None
    hosted, runtimes = counts.split_alternatives(page["alternatives"])
    sources = source_rows(page["sources"]["listed"], page["route"], page["route_sources"])
    return {
        "providers": counts.provider_summary(page["route"], page["alternatives"]),
        "alternatives": hosted,
        "self_hosted": runtimes,
        "headline": headline(page["prices"]),
        "pricing": pricing_groups(page["prices"]),
        "limits": limit_rows(page["limits"], page["limit_sources"]),
        "sources": sources,
        "quick_read": quick_read(page),
        "reference": reference,
        # the first lens's rows are drawn; the rows only other lenses list are the page's data (site.js draws them)
        "similar": [row for row in similar if row["first_rank"] is not None],
        "similar_more": [row for row in similar if row["first_rank"] is None],
        "chart": price_chart(page["price_history"], page["sources"]["as_of"]),
        "part_keys": part_keys(page, sources),
    }


SIMILAR_TEXTS = (
    "route_id", "path", "query", "model_name", "provider", "input_price", "output_price", "inputs", "outputs",
    "features", "context",
)  # fmt: skip


def similar_texts(cells: dict) -> dict:
    """What a similar-models row shows of the route it lists (``cells``, its page.route_cells row and the row's
    variants), each as the page writes it: macros.html lays these out, and site.js the same for the rows it draws
    from the page's data, so a row reads the same either way."""
    variants = cells.get("variants")
    of_variants = f" · cheapest of {variants} variants" if variants and variants > 1 else ""
    return {
        "route_id": cells["route_id"],
        "path": links.route_path(cells["route_id"]),
        "query": quote(cells["route_id"]),
        "model_name": cells["model_name"],
        "provider": cells["provider_name"] + of_variants,
        "input_price": money(cells["input_price"], cells["input_price_unit"] or "usd_per_1m_tokens"),
        "output_price": money(cells["output_price"], cells["output_price_unit"] or "usd_per_1m_tokens"),
        "inputs": modality_text(cells["input_modalities"]),
        "outputs": modality_text(cells["output_modalities"], ", "),
        "features": ", ".join(cells["features"] or []) or "none stated",
        "context": tokens(cells["context_window"]),
    }


def part_keys(page: dict, sources: list[dict]) -> dict:
    """What each shared part of the page (parts.html, rendered once per key by templating.Once) depends on beyond the
    snapshot: the capability states, whether and as which id each source states the route, and the base model and
    family whose scores the benchmarks are (None, rendered for the page alone, when the route has scores of its own)."""
    route = page["route"]
    own_scores = any(m["scope"] == "route" for m in page["benchmarks"])
    return {
        "capabilities": tuple(page["capabilities"].items()),
        "sources": tuple((s["source"], s["states"], s["own_id"]) for s in sources),
        "benchmarks": None if own_scores else (route["base_model"], route["family"]),
    }


def headline(prices: list[dict]) -> dict:
    """The quick stats: standard input, output and cached-input prices per 1M tokens (N/A when not stated)."""
    base = {
        p["price_kind"]: p["usd"]
        for p in prices
        if p["tier"] == "standard" and p["condition"] is None and p["unit"] == "usd_per_1m_tokens"
    }
    return {
        label: money(base.get(kind))
        for kind, label in (("input", "Input"), ("output", "Output"), ("cache_read", "Cached input"))
    }


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()


def pricing_groups(prices: list[dict]) -> list[dict]:
    """Every price of the route grouped by tier and condition, standard prices first (the order page.gather gives)."""
    groups: dict[tuple, dict] = {}
    for p in prices:
        title = "Standard" if p["tier"] == "standard" else f"{p['tier'].replace('_', ' ').capitalize()} tier"
        if p["condition"]:
            title += ", " + ", ".join(c.replace("_", " ") for c in p["condition"].split(","))
        group = groups.setdefault((p["tier"], p["condition"]), {"title": title, "rows": []})
        group["rows"].append(
            {
                **p,
                **provenance(p, lambda usd, unit=p["unit"]: money(usd, unit), "usd"),
                "label": kind_label(p["price_kind"]),
                "price": money(p["usd"], p["unit"]),
            }
        )
    return list(groups.values())


def provenance(value: dict, show, field: str) -> dict:
    """Whose word a price or limit is, as its row shows it: every source stating it (the published one marked),
    why that one, and where they disagree each source's statement written by ``show`` from its ``field``."""
    return {
        "stated": [{"source": s, "chosen": s == value.get("source")} for s in value.get("sources_stating") or []],
        "why": rule_text(value),
        "statements": [
            {**s, "shown": show(s[field]), "chosen": s["source"] == value.get("source")}
            for s in value.get("statements") or []
        ],
    }


def limit_rows(limits: dict, stated: dict) -> list[dict]:
    """The token limits with their sources (none stated: no sources)."""
    return [
        {"key": key, "label": label, "value": limits[key], **provenance(stated.get(key, {}), exact_tokens, "value")}
        for key, label in LIMIT_LABELS.items()
    ]


def source_rows(listed: list[dict], route: dict, route_sources: list[dict]) -> list[dict]:
    """Every source of the snapshot, and whether (and as which id) it states this route."""
    own_ids = {s["source"]: s["source_route_id"] for s in route_sources}
    listing = set(route.get("sources") or []) | set(own_ids)
    return [
        {
            **s,
            "states": s["source"] in listing,
            "own_id": own_ids.get(s["source"]) if own_ids.get(s["source"]) != route["route_id"] else None,
        }
        for s in listed
    ]


def quick_read(page: dict) -> dict:
    """What the route is for and what to check before relying on it, from the page's own data."""
    route, limits, capabilities = page["route"], page["limits"], page["capabilities"]
    inputs = " and ".join(route["input_modalities"] or ["unknown input"])
    outputs = " and ".join(route["output_modalities"] or ["unknown output"])
    features = [c.replace("_", " ") for c, supported in capabilities.items() if supported]
    best = f"{inputs.capitalize()} in, {outputs} out ({route['mode'] or 'unknown mode'})"
    if features:
        best += f", with {', '.join(features)}"
    if limits["context_window"]:
        best += f"; up to {tokens(limits['context_window'])} tokens of context"
    best += counts.comparison_text(route, page["alternatives"]) or "."
    verify = [
        "Always check the provider page for discounts, cache pricing, region rules and limits that public "
        "metadata may not show."
    ]
    unknown = [c.replace("_", " ") for c, supported in capabilities.items() if supported is None]
    if unknown:
        verify.append(
            f"{len(unknown)} of {len(capabilities)} capabilities are not stated by the source: {', '.join(unknown)}."
        )
    if not route["modalities_stated"]:
        verify.append("The input and output modalities are inferred from the mode, not stated by the source.")
    conditional = sum(1 for p in page["prices"] if p["tier"] != "standard" or p["condition"])
    if conditional:
        verify.append(f"{conditional} prices depend on a tier or a condition (see Pricing).")
    if route.get("deprecation_date"):
        verify.append(f"The provider deprecates this model on {route['deprecation_date']}.")
    return {"best_for": best, "verify": verify}
