"""The model page on the terminal: one route, section by section, from one snapshot's tables (the sections of the
reference catalog page: pricing, token limits, capabilities, benchmarks, sources, other providers, similar models).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime

import duckdb

from llm_catalog.errors import CatalogError
from llm_catalog.normalized.litellm import CORE_CAPABILITIES
from llm_catalog.paths import SQL_DIR
from llm_catalog.registry import SOURCES

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
PAGE_SQL = SQL_DIR / "readers" / "page"
# the queries of sql/readers/page/ and the view each reads (a snapshot from before that view gives no rows)
PAGE_TABLES = {"routes": "routes", "prices": "prices", "limits": "limits", "capabilities": "capabilities",
               "benchmarks": "benchmarks", "models": "models", "alternatives": "alternatives",
               "price_history": "price_history", "similar_models": "similar_models", "route_cells": "route_cells"}
SIMILAR_TABLES = ("similar_models", "route_cells")  # read with the lenses and the number of rows shown
PAGE_BATCH = 1000  # routes read per query: bounded memory, few queries
FAMILY_BENCHMARKS_SHOWN = 20  # rows of the family's other base models, after all of the route's and base model's


def money(usd: float | None, unit: str = "usd_per_1m_tokens") -> str:
    """``$0.0200 / 1M tokens`` as the reference page writes prices; a price too small for 4 decimals (per second,
    per character) keeps its digits rather than showing as $0.0000."""
    if usd is None:
        return "N/A"
    amount = f"{usd:.4f}" if usd == 0 or abs(usd) >= 0.00005 else readable_number(usd)
    return f"${amount} {UNIT_LABELS.get(unit, unit)}"


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
    for found in gather_pages(con, snapshot_id, [route_id], lenses=(lens,)):
        return found
    raise CatalogError(f"no route {route_id!r} in snapshot {snapshot_id}")


def gather_pages(con: duckdb.DuckDBPyConnection, snapshot_id: str, route_ids: list[str] | None = None, *,
                 lenses: tuple[str, ...] = ("overall",), batch: int = PAGE_BATCH) -> Iterator[dict]:
    """The page of each of ``route_ids`` (default: every route, by id), as ``gather`` gives it, read ``batch``
    routes at a time: one query per table and batch (sql/readers/page/), so the whole catalog is a few dozen queries.
    ``similar_models`` follows the first of ``lenses``; ``similar_by_lens`` has the table of each."""
    if route_ids is None:
        route_ids = [r for (r,) in con.execute("SELECT route_id FROM routes ORDER BY route_id").fetchall()]
    sources = snapshot_sources(con, snapshot_id)
    present = {name for (name,) in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    reported_by = "b.reported_by" if "reported_by" in con.sql("SELECT * FROM benchmarks LIMIT 0").columns else "NULL"
    for start in range(0, len(route_ids), batch):
        params = {"routes": route_ids[start:start + batch]}
        tables = {name: _by_route(con, name, present, params, reported_by=reported_by)
                  for name in PAGE_TABLES if name not in SIMILAR_TABLES}
        similar = {name: _by_route(con, name, present, {**params, "lenses": list(lenses), "shown": SIMILAR_SHOWN})
                   for name in SIMILAR_TABLES}
        cells = {route_id: found[0] for route_id, found in similar["route_cells"].items()}
        for route_id, (route,) in tables["routes"].items():
            listed = _similar_rows(route_id, similar["similar_models"].get(route_id, []), cells)
            yield _page(route_id, route, tables, listed, sources, lenses)


def _page(route_id: str, route: dict, tables: dict[str, dict[str, list[dict]]], similar: list[dict], sources: dict,
          lenses: tuple[str, ...]) -> dict:
    limits = tables["limits"].get(route_id)
    supported = {c["capability"]: c["supported"] for c in tables["capabilities"].get(route_id, [])}
    benchmarks, more_benchmarks = _benchmarks(tables["benchmarks"].get(route_id, []))
    docs = tables["models"].get(route_id)
    by_lens: dict[str, list[dict]] = {lens: [] for lens in lenses}
    for row in similar:
        by_lens[row.pop("lens")].append(row)
    return {
        "route": {"route_id": route_id, **route},
        "prices": tables["prices"].get(route_id, []),
        "limits": limits[0] if limits else dict.fromkeys(("context_window", "max_input_tokens", "max_output_tokens",
                                                          "max_tokens")),
        "capabilities": {c: supported.get(c) for c in CORE_CAPABILITIES},
        "benchmarks": benchmarks,
        "more_family_benchmarks": more_benchmarks,
        "docs": docs[0] if docs else None,
        "sources": sources,
        "alternatives": tables["alternatives"].get(route_id, []),
        "price_history": tables["price_history"].get(route_id, []),
        "similar_lens": lenses[0],
        "similar_models": by_lens[lenses[0]],
        "similar_by_lens": by_lens,
    }


def _similar_rows(route_id: str, listed: list[dict], cells: dict[str, dict]) -> list[dict]:
    """The rows of the similar_models_page view (sql/readers/views.sql) for one route: each listed route with its cells."""
    provider = cells[route_id]["provider"]
    return [{"lens": row["lens"], "rank": row["rank"], "other_route_id": row["other_route_id"],
             **{k: v for k, v in cells[row["other_route_id"]].items() if k not in ("provider", "mode")},
             "reasons": row["reasons"].split("|"), "score": row["score"],
             "same_provider": cells[row["other_route_id"]]["provider"] == provider} for row in listed]


def _by_route(con: duckdb.DuckDBPyConnection, name: str, present: set[str], params: dict,
              reported_by: str = "") -> dict[str, list[dict]]:
    """The rows of sql/readers/page/<name>.sql for a batch of routes, grouped by route id (the file orders them); none when
    the snapshot predates the table the file reads."""
    if PAGE_TABLES[name] not in present:
        return {}
    sql = (PAGE_SQL / f"{name}.sql").read_text().replace("{reported_by}", reported_by)
    grouped: dict[str, list[dict]] = {}
    for row in fetch_rows(con, sql, params):
        grouped.setdefault(row.pop("route_id"), []).append(row)
    return grouped


def snapshot_sources(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> dict:
    """The sources section: the snapshot's pricing source and every other source with its status."""
    snapshot = fetch_rows(con, "SELECT as_of, created_at, sources FROM snapshots WHERE snapshot_id = ?", [snapshot_id])[0]
    litellm = next((s for s in snapshot["sources"] if s["source"] == "litellm"), {})
    return {"snapshot_id": snapshot_id, "as_of": snapshot["as_of"], "published": snapshot["created_at"],
            "litellm": litellm.get("version") or litellm.get("origin", ""),
            "others": [{"label": label, **{k: s.get(k) for k in ("source", "status", "version")}}
                       for label, s in _model_sources(snapshot["sources"])]}


def _benchmarks(marks: list[dict]) -> tuple[list[dict], int]:
    """All of the route's and its base model's scores, then (at most FAMILY_BENCHMARKS_SHOWN in all, at least 5)
    its family's other base models'; and how many family rows are left out."""
    own = [m for m in marks if not m["from_family"]]
    family = [m for m in marks if m["from_family"]]
    shown = max(FAMILY_BENCHMARKS_SHOWN - len(own), 5)
    return own + family[:shown], max(len(family) - shown, 0)


def _model_sources(sources: list[dict]) -> list[tuple[str, dict]]:
    """The snapshot's sources other than its prices, each labelled by the first thing the catalog takes from it."""
    labels = {s.name: s.provides[0].capitalize() for s in SOURCES if "prices" not in s.provides}
    return [(labels[s["source"]], s) for s in sources if s["source"] in labels]


def fetch_rows(con: duckdb.DuckDBPyConnection, sql: str, params) -> list[dict]:
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
            [a["other_route_id"], a["other_provider_name"] or "", basis_text(a["other_unit_price"], a["price_basis"]),
             difference_text(a["price_difference"])] for a in page["alternatives"]]])

    lines += _similar_lines(page["similar_models"], page["similar_lens"])
    return "\n".join(lines)


def _benchmark_lines(marks: list[dict], more: int, family: str | None) -> list[str]:
    if not marks:
        return []
    lines = ["", "Benchmarks (scored on the base model or its family, not on this provider's route)"]
    lines += _table([["benchmark", "score", "scope", "effort", "evaluator", "checked", "source"], *[
        [m["benchmark_name"], score_text(m["score"], m["unit"]), m["scope_label"], m["reasoning_effort"] or "",
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


def score_text(score: float, unit: str) -> str:
    if unit == "percent":
        return f"{score:.1f}%"
    if unit == "fraction":
        return f"{score:.1%}"
    if unit == "elo":
        return f"{score:.0f} Elo"
    return f"{score:g}"


def basis_text(price: float | None, basis: str) -> str:
    if price is None:
        return "unpriced"
    return f"${price:.4f} {'/ 1M tokens (3:1)' if basis == 'usd_per_1m_tokens_3in_1out' else UNIT_LABELS.get(basis, basis)}"


def difference_text(diff: float | None) -> str:
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
