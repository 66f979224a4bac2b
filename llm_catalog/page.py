"""The model page on the terminal: one route, section by section, from one snapshot's tables (the sections of the
reference catalog page: pricing, token limits, capabilities, benchmarks, sources, other providers, similar models).
"""

from __future__ import annotations

import json
from datetime import date, datetime

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


def gather(con: duckdb.DuckDBPyConnection, route_id: str, snapshot_id: str, lens: str = "overall") -> dict:
    """Everything the page of ``route_id`` shows, as plain data (what ``--format json`` prints and ``render_text``
    lays out), from the views of ``con`` (see llm_catalog.query.connect); ``lens`` orders the similar models as the
    page's filter does."""
    found = con.execute("SELECT * FROM routes WHERE route_id = ?", [route_id]).fetchall()
    if not found:
        raise CatalogError(f"no route {route_id!r} in snapshot {snapshot_id}")
    route = dict(zip([d[0] for d in con.description], found[0]))
    prices = _rows(con, "SELECT price_kind, tier, condition, unit, usd, source_field FROM prices WHERE route_id = ? "
                        "ORDER BY tier <> 'standard', condition IS NOT NULL, price_kind, tier, condition, unit",
                   [route_id])
    limits = _rows(con, "SELECT context_window, max_input_tokens, max_output_tokens, max_tokens FROM limits "
                        "WHERE route_id = ?", [route_id])
    supported = dict(con.execute("SELECT capability, supported FROM capabilities WHERE route_id = ?",
                                 [route_id]).fetchall())
    benchmarks, more_benchmarks = _benchmarks(con, route_id, route)
    snapshot = _rows(con, "SELECT as_of, created_at, sources FROM snapshots WHERE snapshot_id = ?", [snapshot_id])[0]
    litellm = next((s for s in snapshot["sources"] if s["source"] == "litellm"), {})
    alternatives = _rows(con, """
        SELECT other_route_id, other_provider_name, other_unit_price, price_basis, price_difference
        FROM alternatives WHERE route_id = ? ORDER BY rank""", [route_id])
    return {
        "route": {k: route[k] for k in ("route_id", "provider", "provider_name", "model", "base_model", "family",
                                        "mode", "input_modalities", "output_modalities", "modalities_stated",
                                        "source_url")},
        "prices": prices,
        "limits": limits[0] if limits else dict.fromkeys(("context_window", "max_input_tokens", "max_output_tokens",
                                                          "max_tokens")),
        "capabilities": {c: supported.get(c) for c in CORE_CAPABILITIES},
        "benchmarks": benchmarks,
        "more_family_benchmarks": more_benchmarks,
        "docs": _docs(con, route),
        "sources": {"snapshot_id": snapshot_id, "as_of": snapshot["as_of"], "published": snapshot["created_at"],
                    "litellm": litellm.get("version") or litellm.get("origin", ""),
                    "others": [{"label": label, **{k: s.get(k) for k in ("source", "status", "version")}}
                               for label, s in _model_sources(snapshot["sources"])]},
        "alternatives": alternatives,
        "similar_lens": lens,
        "similar_models": similar_models(con, route_id, lens),
    }


def _benchmarks(con: duckdb.DuckDBPyConnection, route_id: str, route: dict) -> tuple[list[dict], int]:
    """The route's own scores, its base model's, then (at most FAMILY_BENCHMARKS_SHOWN, at least 5) its family's
    other base models'; each with its scope and the source(s) that reported it. Also how many family rows are left
    out."""
    # snapshots from before `reported_by` name their one source
    reporters = "reported_by" if "reported_by" in con.sql("SELECT * FROM benchmarks LIMIT 0").columns else "NULL"
    marks = _rows(con, f"""
        SELECT benchmark_name || coalesce(' (' || variant || ')', '') AS benchmark_name, score, unit, scope,
               CASE WHEN scope = 'route' THEN 'Route: ' || route_id
                    WHEN base_model = $base THEN 'Base model: ' || base_model
                    ELSE 'Family ' || family || ': ' || base_model END AS scope_label,
               reasoning_effort, evaluator, coalesce(checked, measured) AS checked,
               coalesce({reporters}, [source]) AS sources, source_url
        FROM benchmarks
        WHERE (scope = 'route' AND route_id = $route) OR (scope = 'base_model' AND (base_model = $base OR family = $family))
        ORDER BY scope <> 'route', base_model <> $base, benchmark_name, base_model, score DESC""",
        {"route": route_id, "base": route["base_model"], "family": route["family"]})
    own = [m for m in marks if not m["scope_label"].startswith("Family ")]
    family = [m for m in marks if m["scope_label"].startswith("Family ")]
    shown = max(FAMILY_BENCHMARKS_SHOWN - len(own), 5)
    return own + family[:shown], max(len(family) - shown, 0)


def _docs(con: duckdb.DuckDBPyConnection, route: dict) -> dict | None:
    """The base model's metadata from the models table (official docs and weights links, release date), each value
    with the source that gave it; None for a snapshot from before the models table, or a model it does not know."""
    if not con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'models'").fetchone()[0]:
        return None
    found = _rows(con, "SELECT display_name, release_date, knowledge_cutoff, docs_url, weights_url, provenance "
                       "FROM models WHERE base_model = ?", [route["base_model"]])
    return found[0] if found else None


def _model_sources(sources: list[dict]) -> list[tuple[str, dict]]:
    labels = {"models_dev_metadata": "Model metadata", "models_dev_api": "Model metadata", "models_dev": "Model metadata",
              "llm_stats": "Model metadata",
              "model_cards": "Benchmarks", "aider": "Benchmarks", "artificial_analysis": "Benchmarks"}
    return [(labels[s["source"]], s) for s in sources if s["source"] in labels]


def similar_models(con: duckdb.DuckDBPyConnection, route_id: str, lens: str = "overall") -> list[dict]:
    """The page's similar-models table from the similar_models_page view: the reference row ("Comparing from",
    rank 0), then the closest routes of other base models on ``lens``."""
    return _rows(con, """
        SELECT rank, other_route_id, model_name, provider_name, input_price, input_price_unit, output_price,
               output_price_unit, input_modalities, output_modalities, features, context_window, reasons, score,
               same_provider
        FROM similar_models_page WHERE route_id = ? AND lens = ? AND rank <= ? ORDER BY rank""",
        [route_id, lens, SIMILAR_SHOWN])


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params) -> list[dict]:
    relation = con.execute(sql, params)
    columns = [d[0] for d in relation.description]
    return [dict(zip(columns, row)) for row in relation.fetchall()]


def render(con: duckdb.DuckDBPyConnection, route_id: str, snapshot_id: str, lens: str = "overall") -> str:
    """The page for ``route_id`` as text."""
    return render_text(gather(con, route_id, snapshot_id, lens))


def render_json(page: dict) -> str:
    return json.dumps(page, default=_json_value, indent=1)


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def render_text(page: dict) -> str:
    route = page["route"]
    lines = [route["model"].split("/")[-1],
             f"{route['provider_name']} · {route['mode'] or 'unknown mode'} model · route {route['route_id']}",
             f"Base model {route['base_model']}" + (f" (family {route['family']})" if route["family"] else "")]
    lines += _pricing_lines(page["prices"])

    limit = page["limits"]
    lines += ["", "Token limits"] + _table([
        ["Context window", tokens(limit["context_window"])], ["Max input tokens", tokens(limit["max_input_tokens"])],
        ["Max output tokens", tokens(limit["max_output_tokens"])], ["Max tokens", tokens(limit["max_tokens"])]])

    label = {True: "yes", False: "no", None: "unknown"}
    lines += ["", "Capabilities"] + _table(
        [[c.replace("_", " ").capitalize().replace("Pdf", "PDF"), label[value]]
         for c, value in page["capabilities"].items()])
    modalities = (f"{', '.join(route['input_modalities'] or ['unknown'])} -> "
                  f"{', '.join(route['output_modalities'] or ['unknown'])}")
    lines.append(f"  Modalities          {modalities}{'' if route['modalities_stated'] else ' (inferred from mode)'}")

    lines += _benchmark_lines(page["benchmarks"], page["more_family_benchmarks"], route["family"])
    lines += _docs_lines(page["docs"])

    sources = page["sources"]
    lines += ["", "Sources"] + _table([
        ["Pricing data", f"LiteLLM model cost map ({sources['litellm']})"],
        *[[s["label"], f"{s['source']} ({s['status']}{': ' + s['version'] if s.get('version') else ''})"]
          for s in sources["others"]],
        ["As of", f"{sources['as_of']} (snapshot {sources['snapshot_id']}, published "
                  f"{sources['published']:%Y-%m-%d %H:%M} UTC)"],
        ["Provider page", route["source_url"] or "N/A"]])

    if page["alternatives"]:
        lines += ["", f"Other providers of {route['base_model']} (cheapest first)"]
        lines += _table([["route", "provider", "price", "vs this route"], *[
            [a["other_route_id"], a["other_provider_name"] or "", _basis(a["other_unit_price"], a["price_basis"]),
             _difference(a["price_difference"])] for a in page["alternatives"]]])

    lines += _similar_lines(page["similar_models"], page["similar_lens"])
    return "\n".join(lines)


def _benchmark_lines(marks: list[dict], more: int, family: str | None) -> list[str]:
    if not marks:
        return []
    lines = ["", "Benchmarks (scored on the base model or its family, not on this provider's route)"]
    lines += _table([["benchmark", "score", "scope", "effort", "evaluator", "checked", "source"], *[
        [m["benchmark_name"], _score(m["score"], m["unit"]), m["scope_label"], m["reasoning_effort"] or "",
         m["evaluator"] or "", str(m["checked"] or ""), f"{' + '.join(m['sources'])} {m['source_url'] or ''}"]
        for m in marks]])
    if more:
        lines.append(f"  ... and {more} more rows of other models of the family "
                     f"(llm-catalog query \"SELECT * FROM benchmarks WHERE family = '{family}'\")")
    return lines


def _docs_lines(docs: dict | None) -> list[str]:
    if not docs:
        return []
    provenance = docs["provenance"] or {}
    rows = [[label, f"{docs[key]} ({provenance.get(key)})"] for label, key in (
        ("Model", "display_name"), ("Released", "release_date"), ("Knowledge cutoff", "knowledge_cutoff"),
        ("Official docs", "docs_url"), ("Weights", "weights_url")) if docs[key]]
    return ["", "Docs"] + _table(rows) if rows else []


def _similar_lines(rows: list[dict], lens: str) -> list[str]:
    """The similar-models table: the reference row ('from'), then the ranked rows, as the page's columns."""
    if len(rows) < 2:
        return []
    cells = [["", "model", "provider", "in", "out", "input shape", "features", "context", "why it is close",
              LENS_LABELS[lens]]]
    for r in rows:
        cells.append([
            "from" if r["rank"] == 0 else str(r["rank"]), r["model_name"], r["provider_name"] or "",
            money(r["input_price"], r["input_price_unit"] or "usd_per_1m_tokens"),
            money(r["output_price"], r["output_price_unit"] or "usd_per_1m_tokens"),
            f"{' '.join(r['input_modalities'] or ['unknown'])} -> {', '.join(r['output_modalities'] or ['unknown'])}",
            ", ".join(r["features"]) or "none stated", tokens(r["context_window"]), ", ".join(r["reasons"]),
            "" if r["score"] is None else f"{r['score']:.0%}"])
    return ["", f"Similar models ({LENS_TITLES[lens]}; 'from' is the route itself)", *_table(cells)]


def _pricing_lines(prices: list[dict]) -> list[str]:
    base = {(p["price_kind"], p["unit"]): p["usd"] for p in prices if p["tier"] == "standard" and p["condition"] is None}
    lines = ["", "Pricing"] + _table([["Input", money(base.get(("input", "usd_per_1m_tokens")))],
                                      ["Output", money(base.get(("output", "usd_per_1m_tokens")))],
                                      ["Cached input", money(base.get(("cache_read", "usd_per_1m_tokens")))]])
    others = [[p["price_kind"], p["tier"], p["condition"] or "", money(p["usd"], p["unit"])] for p in prices
              if not (p["tier"] == "standard" and p["condition"] is None and p["unit"] == "usd_per_1m_tokens"
                      and p["price_kind"] in ("input", "output", "cache_read"))]
    if others:
        lines += ["  Every other price:"] + _table([["kind", "tier", "condition", "price"], *others], indent="    ")
    return lines


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


def readable_number(value) -> str:
    """A number as a person writes it: 6 significant digits, no float noise, no exponent (0.045, not
    0.04499999999999999; 0.00002, not 2e-05)."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}" if abs(number) >= 10_000 else str(int(number))
    return f"{float(f'{number:.6g}'):.12f}".rstrip("0").rstrip(".")


def price_label(key: str) -> tuple[str, str]:
    """The changes table's price key ``kind|tier|condition|unit`` as (what is priced, unit label):
    ``input|batch|above_200k_tokens|usd_per_1m_tokens`` -> ("input price, batch tier, above 200k tokens",
    "/ 1M tokens")."""
    kind, tier, condition, unit = (key.split("|") + ["", "", "", ""])[:4]
    label = f"{kind.replace('_', ' ')} price"
    if tier and tier != "standard":
        label += f", {tier.replace('_', ' ')} tier"
    if condition:
        label += ", " + ", ".join(c.replace("_", " ") for c in condition.split(","))
    return label, UNIT_LABELS.get(unit, unit)


def describe_change(row: dict) -> dict:
    """One row of the changes table, readable: the field's label and the old and new values as text."""
    old, new = row["old_value"], row["new_value"]
    if row["change"] == "price":
        label, unit = price_label(row["field"])
        old_text, new_text = (f"${readable_number(v)}" if v is not None else "none" for v in (old, new))
        detail = f"{label}: {old_text} -> {new_text} {unit}"
    elif row["change"] == "limit":
        label = row["field"].replace("_", " ")
        detail = f"{label}: {tokens(int(old)) if old else 'none'} -> {tokens(int(new)) if new else 'none'}"
    elif row["change"] in ("added", "removed"):
        label, detail = None, ""
    else:
        label = row["field"].replace("_", " ")
        detail = f"{label}: {old if old is not None else 'none'} -> {new if new is not None else 'none'}"
    if row.get("relative_change") is not None:
        detail += f" ({row['relative_change']:+.1%})"
    return {**row, "label": label, "detail": detail}
