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
FAMILY_BENCHMARKS_SHOWN = 20  # rows of the family's other base models, after all of the route's and base model's


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


def render(con: duckdb.DuckDBPyConnection, route_id: str, snapshot_id: str) -> str:
    """The page for ``route_id`` from the views of ``con`` (see llm_catalog.query.connect)."""
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

    lines += _benchmarks(con, route_id, route)
    lines += _docs(con, route)

    snapshot = con.execute("SELECT as_of, created_at, sources FROM snapshots WHERE snapshot_id = ?",
                           [snapshot_id]).fetchall()[0]
    litellm = next((s for s in snapshot[2] if s["source"] == "litellm"), {})
    lines += ["", "Sources"] + _table([
        ["Pricing data", f"LiteLLM model cost map ({litellm.get('version') or litellm.get('origin', '')})"],
        *[[f"{label}", f"{s['source']} ({s['status']}{': ' + (s.get('version') or '') if s.get('version') else ''})"]
          for label, s in _model_sources(snapshot[2])],
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

    similar = con.execute("""
        SELECT s.other_route_id, r.provider_name, s.score, array_to_string(s.reasons, ', ')
        FROM similar_models s JOIN routes r ON r.route_id = s.other_route_id
        WHERE s.route_id = ? AND s.lens = 'overall' AND s.rank <= ? ORDER BY s.rank""",
        [route_id, SIMILAR_SHOWN]).fetchall()
    if similar:
        lines += ["", "Similar models (overall: cost, modalities, capabilities and context blended)"]
        lines += _table([["route", "provider", "overall", "why it is close"],
                         *[[other, name or "", f"{score:.1%}", reasons] for other, name, score, reasons in similar]])
    return "\n".join(lines)


def _benchmarks(con: duckdb.DuckDBPyConnection, route_id: str, route: dict) -> list[str]:
    """The route's own scores, its base model's, then its family's other base models'; each with its scope and the
    source(s) that reported it."""
    # snapshots from before `reported_by` name their one source
    reporters = "reported_by" if "reported_by" in con.sql("SELECT * FROM benchmarks LIMIT 0").columns else "NULL"
    marks = con.execute(f"""
        SELECT benchmark_name || coalesce(' (' || variant || ')', ''), score, unit,
               CASE WHEN scope = 'route' THEN 'Route: ' || route_id
                    WHEN base_model = $base THEN 'Base model: ' || base_model
                    ELSE 'Family ' || family || ': ' || base_model END,
               coalesce(reasoning_effort, ''), evaluator, coalesce(checked::VARCHAR, measured::VARCHAR, ''),
               array_to_string(coalesce({reporters}, [source]), ' + '), source_url
        FROM benchmarks
        WHERE (scope = 'route' AND route_id = $route) OR (scope = 'base_model' AND (base_model = $base OR family = $family))
        ORDER BY scope <> 'route', base_model <> $base, benchmark_name, base_model, score DESC""",
        {"route": route_id, "base": route["base_model"], "family": route["family"]}).fetchall()
    if not marks:
        return []
    own = [m for m in marks if not m[3].startswith("Family ")]
    shown = own + [m for m in marks if m[3].startswith("Family ")][:max(FAMILY_BENCHMARKS_SHOWN - len(own), 5)]
    lines = ["", "Benchmarks (scored on the base model or its family, not on this provider's route)"]
    lines += _table([["benchmark", "score", "scope", "effort", "evaluator", "checked", "source"],
                     *[[name, _score(score, unit), scope, effort, evaluator, day, f"{sources} {url}"]
                       for name, score, unit, scope, effort, evaluator, day, sources, url in shown]])
    if len(marks) > len(shown):
        lines.append(f"  ... and {len(marks) - len(shown)} more rows of other models of the family "
                     f"(llm-catalog query \"SELECT * FROM benchmarks WHERE family = '{route['family']}'\")")
    return lines


def _docs(con: duckdb.DuckDBPyConnection, route: dict) -> list[str]:
    """The base model's metadata from the models table: official docs and weights links, release date."""
    if not con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'models'").fetchone()[0]:
        return []  # a snapshot from before the models table
    found = con.execute("SELECT display_name, release_date, knowledge_cutoff, docs_url, weights_url, provenance "
                        "FROM models WHERE base_model = ?", [route["base_model"]]).fetchall()
    if not found:
        return []
    name, released, cutoff, docs, weights, provenance = found[0]
    rows = [[label, f"{value} ({provenance.get(key)})"] for label, key, value in (
        ("Model", "display_name", name), ("Released", "release_date", released),
        ("Knowledge cutoff", "knowledge_cutoff", cutoff), ("Official docs", "docs_url", docs),
        ("Weights", "weights_url", weights)) if value]
    return ["", "Docs"] + _table(rows) if rows else []


def _model_sources(sources: list[dict]) -> list[tuple[str, dict]]:
    labels = {"models_dev_metadata": "Model metadata", "models_dev_api": "Model metadata", "models_dev": "Model metadata",
              "llm_stats": "Model metadata",
              "model_cards": "Benchmarks", "aider": "Benchmarks", "artificial_analysis": "Benchmarks"}
    return [(labels[s["source"]], s) for s in sources if s["source"] in labels]


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
