"""Honest counts of a model page, one way for `llm-catalog show` and the site: providers counted as providers (not
routes), runtimes you run yourself (routes.self_hosted: Ollama, LM Studio...) shown apart and never as a cheaper
provider, prices equal within SAME_PRICE read as the same price, and an embedding's stated $0 output read as not
priced (an embedding has no output tokens)."""

from __future__ import annotations

from llm_catalog.identity.providers import self_hosted_providers

# "the cent of a cent": two prices per 1M tokens closer than this are the same price (a DBU conversion's
# $2.99999 is Anthropic's $3), and a difference below it never shows as cheaper or as -$0.0000
SAME_PRICE = 0.0001


def same_price(difference: float) -> bool:
    return abs(difference) < SAME_PRICE


def with_self_hosted(row: dict, prefix: str = "") -> dict:
    """``row`` (a route, or an alternative with ``prefix`` "other_") with its ``self_hosted`` flag; a snapshot from
    before routes.self_hosted gives NULL, read from today's list of runtimes (data/provider_names/self_hosted.csv)."""
    key = f"{prefix}self_hosted"
    if row.get(key) is not None:
        return row
    return {**row, key: row.get(f"{prefix}provider") in self_hosted_providers()}


def is_embedding(route: dict) -> bool:
    return route.get("mode") == "embedding" or (route.get("output_modalities") or []) == ["embedding"]


def not_priced(route: dict, price: dict) -> dict:
    """What replaces a price the page must not show as $0.0000: an embedding's output token price of 0 (sources
    write 0 where an embedding has no output tokens to price) becomes no price, its stated value kept."""
    if is_embedding(route) and price["price_kind"] == "output" and price["usd"] == 0:
        return {"usd": None, "stated_usd": price["usd"]}
    return {}


def provider_summary(route: dict, alternatives: list[dict]) -> dict:
    """The other providers of the route's base model as providers: each one's cheapest route against this route,
    which are cheaper (by at least SAME_PRICE), which cost the same, and the self-hosted runtimes apart. The route's
    own provider's other routes are no other provider."""
    own = route["provider"]
    names: dict[str, str] = {}
    best: dict[str, float | None] = {}
    runtimes = set()
    for a in alternatives:
        provider, name = a["other_provider"], a["other_provider_name"] or a["other_provider"]
        if a["other_self_hosted"]:
            runtimes.add(name)
            continue
        if provider == own:
            continue
        names[provider] = name
        difference = a["price_difference"]
        if difference is not None and (best.get(provider) is None or difference < best[provider]):
            best[provider] = difference
        else:
            best.setdefault(provider, None)
    return {
        "providers": len(best) + (0 if route.get("self_hosted") else 1),
        "other_providers": len(best),
        "cheaper": sorted(names[p] for p, d in best.items() if d is not None and d <= -SAME_PRICE),
        "tied": sorted(names[p] for p, d in best.items() if d is not None and same_price(d)),
        "priced": route_priced(alternatives),
        "self_hosted": sorted(runtimes),
    }


def route_priced(alternatives: list[dict]) -> bool:
    """Whether this route has a price to compare (an alternative's difference is null when either side has none)."""
    return any(a["price_difference"] is not None for a in alternatives)


def comparison_text(route: dict, alternatives: list[dict]) -> str:
    """The quick read's sentence on the other providers: '. The cheapest of 5 providers of B.', '. Tied for
    cheapest with 3 other providers of B (12 providers in all).', '. 2 of the 11 other providers of B are
    cheaper.'; the self-hosted runtimes named apart. Empty when nothing else serves the base model."""
    if not alternatives:
        return ""
    counted = provider_summary(route, alternatives)
    base, others = route["base_model"], counted["other_providers"]
    cheaper, tied = len(counted["cheaper"]), len(counted["tied"])
    if route.get("self_hosted"):
        text = f". Runs on your own machine; {_plural(others, 'provider')} of {base} serve it as a service."
    elif not others:
        text = f". The only provider of {base} as a service."
    elif not counted["priced"]:
        text = f". One of {counted['providers']} providers of {base}; this route states no price to compare."
    elif cheaper:
        verb = "is" if cheaper == 1 else "are"
        text = f". {cheaper} of the {_plural(others, 'other provider')} of {base} {verb} cheaper."
    elif tied:
        text = (
            f". Tied for cheapest with {_plural(tied, 'other provider')} of {base} "
            f"({counted['providers']} providers in all)."
        )
    else:
        text = f". The cheapest of {counted['providers']} providers of {base}."
    if counted["self_hosted"]:
        text += f" Also runs on your own machine with {', '.join(counted['self_hosted'])}."
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def split_alternatives(alternatives: list[dict]) -> tuple[list[dict], list[dict]]:
    """The other providers' routes, and the self-hosted runtimes' apart (never ranked against a provider's price)."""
    return (
        [a for a in alternatives if not a["other_self_hosted"]],
        [a for a in alternatives if a["other_self_hosted"]],
    )


def difference_text(diff: float | None) -> str:
    """Another route's price against this one's: '+$0.1500', '-$1.0000', or 'same price' within SAME_PRICE (so
    never '-$0.0000')."""
    if diff is None:
        return ""
    return "same price" if same_price(diff) else f"{'+' if diff > 0 else '-'}${abs(diff):.4f}"


def alternative_lines(page: dict, table, basis_text) -> list[str]:
    """The CLI's 'Other providers' section: the providers' routes cheapest first, then the self-hosted runtimes'
    apart; ``table`` and ``basis_text`` are formatting's (passed in: formatting imports this module)."""
    route = page["route"]
    hosted, runtimes = split_alternatives(page["alternatives"])
    lines = []
    if hosted:
        summary = provider_summary(route, page["alternatives"])
        lines += ["", f"Other providers of {route['base_model']} (cheapest first; {summary['providers']} providers)"]
        lines += table(
            [
                ["route", "provider", "price", "vs this route"],
                *[
                    [
                        a["other_route_id"],
                        a["other_provider_name"] or "",
                        basis_text(a["other_unit_price"], a["price_basis"]),
                        difference_text(a["price_difference"]),
                    ]
                    for a in hosted
                ],
            ]
        )
    if runtimes:
        lines += ["", f"Runs on your own machine ({route['base_model']}; self-hosted, no provider's price)"]
        lines += table(
            [["route", "runtime"], *[[a["other_route_id"], a["other_provider_name"] or ""] for a in runtimes]]
        )
    return lines
