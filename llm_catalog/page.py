"""The model page on the terminal: one route, section by section, from one snapshot's tables (the sections of the
reference catalog page: pricing, token limits, capabilities, benchmarks, sources, other providers, similar models).
"""

from __future__ import annotations

import duckdb

from llm_catalog.errors import CatalogError
from llm_catalog.litellm_map import CORE_CAPABILITIES

UNIT_LABELS = {
    "usd_per_1m_tokens": "/ 1M tokens", "usd_per_1m_characters": "/ 1M characters", "usd_per_1m_pixels": "/ 1M pixels",
    "usd_per_image": "/ image", "usd_per_second": "/ second", "usd_per_query": "/ query", "usd_per_request": "/ request",
    "usd_per_page": "/ page", "usd_per_message": "/ message", "usd_per_session": "/ session",
    "usd_per_credit": "/ credit", "usd_per_unit": "/ unit", "usd_per_1k_calls": "/ 1K calls",
    "usd_per_gb_day": "/ GB-day",
}
SIMILAR_SHOWN = 10
LENSES = ("overall", "cost", "modality", "capabilities", "context")
LENS_LABELS = {"overall": "overall", "cost": "cost", "modality": "modality", "capabilities": "features",
               "context": "context"}
LENS_TITLES = {"overall": "overall: cost, modalities, capabilities and context blended",
               "cost": "cost lens: closest in price first", "modality": "modality lens: same inputs and outputs first",
               "capabilities": "capabilities lens: same stated features first",
               "context": "context lens: closest context window and output cap first"}


def money(usd: float | None, unit: str = "usd_per_1m_tokens") -> str:
    if usd is None:
        return "N/A"
    return f"${usd:.4f} {UNIT_LABELS.get(unit, unit)}"


def tokens(count: int | None) -> str:
    if count is None:
        return "N/A"
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 1_000:
        return f"{count / 1_000:.1f}K"
    return str(count)


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def render(con: duckdb.DuckDBPyConnection, route_id: str, snapshot_id: str, lens: str = "overall") -> str:
    """The page for ``route_id`` from the views of ``con`` (see llm_catalog.query.connect); ``lens`` orders the
    similar models as the page's filter does."""
    found = con.execute("SELECT * FROM routes WHERE route_id = ?", [route_id]).fetchall()
    if not found:
        close = [r[0] for r in con.execute(
            "SELECT route_id FROM routes ORDER BY jaro_winkler_similarity(route_id, ?) DESC LIMIT 3", [route_id]
        ).fetchall()]
        raise CatalogError(f"no route {route_id!r} in snapshot {snapshot_id}; closest: {', '.join(close)}")
    route = dict(zip([d[0] for d in con.description], found[0]))
    lines = [route["model"].split("/")[-1],
             f"{route['provider_name']} · {route['mode'] or 'unknown mode'} model · route {route_id}",
             f"Base model {route['base_model']}" + (f" (family {route['family']})" if route["family"] else "")]

    prices = con.execute(
        "SELECT price_kind, tier, condition, unit, usd, source_field FROM prices WHERE route_id = ? "
        "ORDER BY tier <> 'standard', condition IS NOT NULL, price_kind, tier, condition, unit", [route_id]).fetchall()
    base = {(kind, unit): usd for kind, tier, condition, unit, usd, _ in prices if tier == "standard" and condition is None}
    lines += ["", "Pricing"]
    lines += _table([["Input", money(base.get(("input", "usd_per_1m_tokens")))],
                     ["Output", money(base.get(("output", "usd_per_1m_tokens")))],
                     ["Cached input", money(base.get(("cache_read", "usd_per_1m_tokens")))]])
    others = [[kind, tier, condition or "", money(usd, unit)] for kind, tier, condition, unit, usd, _ in prices
              if not (tier == "standard" and condition is None and unit == "usd_per_1m_tokens"
                      and kind in ("input", "output", "cache_read"))]
    if others:
        lines += ["  Every other price:"] + _table([["kind", "tier", "condition", "price"], *others], indent="    ")

    limit = dict(zip(["context_window", "max_input_tokens", "max_output_tokens", "max_tokens"], con.execute(
        "SELECT context_window, max_input_tokens, max_output_tokens, max_tokens FROM limits WHERE route_id = ?",
        [route_id]).fetchall()[0]))
    lines += ["", "Token limits"] + _table([
        ["Context window", tokens(limit["context_window"])], ["Max input tokens", tokens(limit["max_input_tokens"])],
        ["Max output tokens", tokens(limit["max_output_tokens"])], ["Max tokens", tokens(limit["max_tokens"])]])

    supported = dict(con.execute("SELECT capability, supported FROM capabilities WHERE route_id = ?",
                                 [route_id]).fetchall())
    label = {True: "yes", False: "no", None: "unknown"}
    lines += ["", "Capabilities"] + _table(
        [[c.replace("_", " ").capitalize().replace("Pdf", "PDF"), label[supported.get(c)]] for c in CORE_CAPABILITIES])
    modalities = f"{', '.join(route['input_modalities'] or ['unknown'])} -> {', '.join(route['output_modalities'] or ['unknown'])}"
    lines.append(f"  Modalities          {modalities}{'' if route['modalities_stated'] else ' (inferred from mode)'}")

    marks = con.execute("""
        SELECT benchmark_name || coalesce(' (' || variant || ')', ''), score, unit,
               CASE WHEN scope = 'route' THEN 'Route: ' || route_id ELSE 'Base model: ' || base_model END,
               coalesce(reasoning_effort, ''), coalesce(checked::VARCHAR, ''), source, source_url
        FROM benchmarks
        WHERE (scope = 'route' AND route_id = $route) OR (scope = 'base_model' AND (base_model = $base OR family = $family))
        ORDER BY base_model <> $base, benchmark_name, base_model""",
        {"route": route_id, "base": route["base_model"], "family": route["family"]}).fetchall()
    if marks:
        lines += ["", "Benchmarks (scored on the base model or its family, not on this provider's route)"]
        lines += _table([["benchmark", "score", "scope", "effort", "checked", "source"],
                         *[[name, _score(score, unit), scope, effort, checked, f"{source} {url}"]
                           for name, score, unit, scope, effort, checked, source, url in marks]])

    snapshot = con.execute("SELECT as_of, created_at, sources FROM snapshots WHERE snapshot_id = ?",
                           [snapshot_id]).fetchall()[0]
    litellm = next((s for s in snapshot[2] if s["source"] == "litellm"), {})
    lines += ["", "Sources"] + _table([
        ["Pricing data", f"LiteLLM model cost map ({litellm.get('version') or litellm.get('origin', '')})"],
        ["As of", f"{snapshot[0]} (snapshot {snapshot_id}, published {snapshot[1]:%Y-%m-%d %H:%M} UTC)"],
        ["Provider page", route["source_url"] or "N/A"]])

    alternatives = con.execute("""
        SELECT other_route_id, other_provider_name, other_unit_price, price_basis, price_difference
        FROM alternatives WHERE route_id = ? ORDER BY rank""", [route_id]).fetchall()
    if alternatives:
        lines += ["", f"Other providers of {route['base_model']} (cheapest first)"]
        lines += _table([["route", "provider", "price", "vs this route"],
                         *[[other, name or "", _basis(price, basis), _difference(diff)]
                           for other, name, price, basis, diff in alternatives]])

    lines += _similar_section(con, route_id, lens)
    return "\n".join(lines)


def _similar_section(con: duckdb.DuckDBPyConnection, route_id: str, lens: str) -> list[str]:
    """The page's similar-models table, from the similar_models_page view: the reference row, then the ranked rows."""
    rows = con.execute("""
        SELECT rank, model_name, provider_name, input_price, input_price_unit, output_price, output_price_unit,
               input_modalities, output_modalities, features, context_window, reasons, score
        FROM similar_models_page WHERE route_id = ? AND lens = ? AND rank <= ? ORDER BY rank""",
        [route_id, lens, SIMILAR_SHOWN]).fetchall()
    if len(rows) < 2:
        return []
    cells = [["", "model", "provider", "in", "out", "input shape", "features", "context", "why it is close",
              LENS_LABELS[lens]]]
    for rank, model, provider, in_usd, in_unit, out_usd, out_unit, inputs, outputs, features, context, reasons, \
            score in rows:
        cells.append([
            "from" if rank == 0 else str(rank), model, provider or "", money(in_usd, in_unit or "usd_per_1m_tokens"),
            money(out_usd, out_unit or "usd_per_1m_tokens"),
            f"{' '.join(inputs or ['unknown'])} -> {', '.join(outputs or ['unknown'])}",
            ", ".join(features) or "none stated", tokens(context), ", ".join(reasons),
            "" if score is None else f"{score:.0%}"])
    return ["", f"Similar models ({LENS_TITLES[lens]}; 'from' is the route itself)", *_table(cells)]


def _score(score: float, unit: str) -> str:
    if unit == "percent":
        return f"{score:.1f}%"
    if unit == "fraction":
        return f"{score:.1%}"
    if unit == "elo":
        return f"{score:.0f} Elo"
    return f"{score:g}"


def _basis(price: float | None, basis: str) -> str:
    if price is None:
        return "unpriced"
    return f"${price:.4f} {'/ 1M tokens (3:1)' if basis == 'usd_per_1m_tokens_3in_1out' else UNIT_LABELS.get(basis, basis)}"


def _difference(diff: float | None) -> str:
    if diff is None:
        return ""
    return "same price" if diff == 0 else f"{'+' if diff > 0 else '-'}${abs(diff):.4f}"
