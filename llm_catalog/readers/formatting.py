"""The catalog's values written for people, one way for the terminal and the site alike: prices with their unit
(`money`), token counts (`tokens`), readable numbers, benchmark scores, the labels of units, lenses and changes,
whose word a value is (`stated_by`, `disagreement_text`), and the model page as text or JSON (`render_text`,
`render_json`, from the data of llm_catalog.readers.page)."""

from __future__ import annotations

import json
from datetime import date, datetime

from llm_catalog.readers import counts

UNIT_LABELS = {
    "usd_per_1m_tokens": "/ 1M tokens",
    "usd_per_1m_characters": "/ 1M characters",
    "usd_per_1m_pixels": "/ 1M pixels",
    "usd_per_image": "/ image",
    "usd_per_second": "/ second",
    "usd_per_query": "/ query",
    "usd_per_request": "/ request",
    "usd_per_page": "/ page",
    "usd_per_message": "/ message",
    "usd_per_session": "/ session",
    "usd_per_credit": "/ credit",
    "usd_per_unit": "/ unit",
    "usd_per_1k_calls": "/ 1K calls",
    "usd_per_gb_day": "/ GB-day",
}
LENSES = ("overall", "cost", "modality", "capabilities", "context", "quality")
LENS_LABELS = {lens: lens for lens in LENSES} | {"capabilities": "features"}
LENS_TITLES = {
    "overall": "overall: cost, modalities, capabilities, context and (where known) quality blended",
    "cost": "cost lens: closest in price first",
    "modality": "modality lens: same inputs and outputs first",
    "capabilities": "capabilities lens: same stated features first",
    "context": "context lens: closest context window and output cap first",
    "quality": "quality lens: closest leaderboard standing first (where both have a figure)",
}

LIMIT_LABELS = {
    "context_window": "Context window",
    "max_input_tokens": "Max input tokens",
    "max_output_tokens": "Max output tokens",
    "max_tokens": "Max tokens",
}
# why the catalog publishes the value it does (llm_catalog.reconciliation.choose.RULES), in words
RULE_LABELS = {
    "authority": "the provider's own word",
    "generated_from_authority": "generated from the provider's own",
    "unit_slip": "a unit slip set aside",
    "cache_price_in_input": "a cache price as input set aside",
    "zero_placeholder": "a placeholder zero set aside",
    "single_source": "one source",
    "agreement": "sources agree",
    "recency": "most recent",
    "source_order": "first source, on a tie",
}


def money(usd: float | None, unit: str = "usd_per_1m_tokens") -> str:
    """``$0.0200 / 1M tokens`` as the reference page writes prices; a price too small for 4 decimals (per second,
    per character) keeps its digits rather than showing as $0.0000."""
    if usd is None:
        return "N/A"
    amount = f"{usd:.4f}" if usd == 0 or abs(usd) >= 0.00005 else readable_number(usd)
    return f"${amount} {UNIT_LABELS.get(unit, unit)}"


def exact_tokens(count: int | None) -> str:
    """A token count in full (where sources disagree, 8,191 and 8,192 must not both read 8.2K)."""
    return "N/A" if count is None else f"{count:,}"


def tokens(count: int | None) -> str:
    if count is None:
        return "N/A"
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 1_000:
        return f"{count / 1_000:.1f}K"
    return str(count)


def modality_text(values: list[str] | None, separator: str = " ") -> str:
    """A route's input or output modalities as a page or `show` writes them ("unknown" when none are stated)."""
    return separator.join(values or ["unknown"])


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def render_json(page: dict) -> str:
    return json.dumps(page, default=_json_value, indent=1)


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def render_text(page: dict) -> str:
    route = page["route"]
    lines = [
        route["model"].split("/")[-1],
        f"{route['provider_name']} · {route['mode'] or 'unknown mode'} model · route {route['route_id']}",
        f"Base model {route['base_model']}" + (f" (family {route['family']})" if route["family"] else ""),
    ]
    lines += _pricing_lines(page["prices"])

    lines += _limit_lines(page["limits"], page.get("limit_sources", {}))

    label = {True: "yes", False: "no", None: "unknown"}
    lines += ["", "Capabilities"] + _table(
        [
            [c.replace("_", " ").capitalize().replace("Pdf", "PDF"), label[value]]
            for c, value in page["capabilities"].items()
        ]
    )
    modalities = (
        f"{modality_text(route['input_modalities'], ', ')} -> {modality_text(route['output_modalities'], ', ')}"
    )
    lines.append(f"  Modalities          {modalities}{'' if route['modalities_stated'] else ' (inferred from mode)'}")

    lines += _benchmark_lines(page["benchmarks"], page["more_family_benchmarks"], route["family"])
    lines += _docs_lines(page["docs"])

    lines += _source_lines(page["sources"], route, page.get("route_sources", []))

    lines += counts.alternative_lines(page, _table, basis_text)

    lines += _similar_lines(page["similar_models"], page["similar_lens"])
    return "\n".join(lines)


def _benchmark_lines(marks: list[dict], more: int, family: str | None) -> list[str]:
    if not marks:
        return []
    lines = ["", "Benchmarks (scored on the base model or its family, not on this provider's route)"]
    lines += _table(
        [
            ["benchmark", "score", "scope", "effort", "evaluator", "checked", "source"],
            *[
                [
                    m["benchmark_name"],
                    score_text(m["score"], m["unit"]),
                    m["scope_label"],
                    m["reasoning_effort"] or "",
                    m["evaluator"] or "",
                    str(m["checked"] or ""),
                    f"{' + '.join(m['sources'])} {m['source_url'] or ''}",
                ]
                for m in marks
            ],
        ]
    )
    if more:
        lines.append(
            f"  ... and {more} more rows of other models of the family "
            f"(llm-catalog query \"SELECT * FROM benchmarks WHERE family = '{family}'\")"
        )
    return lines


def _docs_lines(docs: dict | None) -> list[str]:
    if not docs:
        return []
    provenance = docs["provenance"] or {}
    rows = [
        [label, f"{docs[key]} ({provenance.get(key)})"]
        for label, key in (
            ("Model", "display_name"),
            ("Released", "release_date"),
            ("Knowledge cutoff", "knowledge_cutoff"),
            ("Official docs", "docs_url"),
            ("Weights", "weights_url"),
        )
        if docs[key]
    ]
    return ["", "Docs"] + _table(rows) if rows else []


def _similar_lines(rows: list[dict], lens: str) -> list[str]:
    """The similar-models table: the reference row ('from'), then the ranked rows, as the page's columns."""
    if len(rows) < 2:
        return []
    cells = [
        [
            "",
            "model",
            "provider",
            "in",
            "out",
            "input shape",
            "features",
            "context",
            "why it is close",
            LENS_LABELS[lens],
        ]
    ]
    for r in rows:
        cells.append(
            [
                "from" if r["rank"] == 0 else str(r["rank"]),
                r["model_name"],
                # a row standing for several routes of one model on one provider links the cheapest
                (r["provider_name"] or "")
                + (f" (cheapest of {r['variants']} variants)" if (r.get("variants") or 0) > 1 else ""),
                money(r["input_price"], r["input_price_unit"] or "usd_per_1m_tokens"),
                money(r["output_price"], r["output_price_unit"] or "usd_per_1m_tokens"),
                f"{modality_text(r['input_modalities'])} -> {modality_text(r['output_modalities'], ', ')}",
                ", ".join(r["features"]) or "none stated",
                tokens(r["context_window"]),
                ", ".join(r["reasons"]),
                "" if r["score"] is None else f"{r['score']:.0%}",
            ]
        )
    return ["", f"Similar models ({LENS_TITLES[lens]}; 'from' is the route itself)", *_table(cells)]


def stated_by(value: dict) -> str:
    """``litellm*, models_dev_metadata``: the sources stating a price or limit, the one whose value is published
    starred; empty for a snapshot from before the catalog recorded them."""
    return ", ".join(f"{s}*" if s == value.get("source") else s for s in value.get("sources_stating") or [])


def rule_text(value: dict) -> str:
    """Why the published value is the one published, in words (empty before the catalog recorded it)."""
    if value.get("rule") == "agreement" and value.get("statements"):
        return "most sources agree"
    return RULE_LABELS.get(value.get("rule"), "")


def disagreement_text(statements: list[dict], show, chosen: str | None = None) -> str:
    """Every source's statement of a value the sources disagree on, as one line: its value (``show`` writes it),
    its date, the failure class it fell in, and which one is published (``chosen``)."""
    return "sources disagree: " + ", ".join(
        f"{s['source']} {show(s)} (as of {s['as_of']}"
        f"{'; ' + s['flag'] + ', set aside' if s['flag'] else ''}{'; published' if s['source'] == chosen else ''})"
        for s in statements
    )


def _with_disagreements(rows: list[list[str]], values: list[dict], show, header: list[str] | None = None) -> list[str]:
    """The table of ``rows`` (under ``header``, indented as a sub-table), each value's row followed by its
    disagreement line; ``show(statement, value)`` writes a statement's value."""
    lines = _table([header, *rows], indent="    ") if header else _table(rows)
    out = lines[:1] if header else []
    for line, value in zip(lines[1:] if header else lines, values, strict=True):
        out.append(line)
        if value.get("statements"):
            said = disagreement_text(value["statements"], lambda s, v=value: show(s, v), value.get("source"))
            out.append(f"{' ' * 6}≠ {said}")
    return out


def _price_statement(statement: dict, price: dict) -> str:
    return money(statement["usd"], price.get("unit") or "usd_per_1m_tokens")


def _pricing_lines(prices: list[dict]) -> list[str]:
    base = {(p["price_kind"], p["unit"]): p for p in prices if p["tier"] == "standard" and p["condition"] is None}
    headline = [base.get((kind, "usd_per_1m_tokens"), {}) for kind in ("input", "output", "cache_read")]
    stated = any(p.get("sources_stating") for p in prices)  # not in a snapshot from before provenance
    title = "Pricing (sources stating each price; * the one published)" if stated else "Pricing"
    lines = ["", title] + _with_disagreements(
        [
            [label, money(p.get("usd")), stated_by(p), rule_text(p)]
            for label, p in zip(("Input", "Output", "Cached input"), headline, strict=True)
        ],
        headline,
        _price_statement,
    )
    others = [p for p in prices if not any(p is h for h in headline)]
    if others:
        lines += ["  Every other price:"] + _with_disagreements(
            [
                [p["price_kind"], p["tier"], p["condition"] or "", money(p["usd"], p["unit"]), stated_by(p)]
                for p in others
            ],
            others,
            _price_statement,
            header=["kind", "tier", "condition", "price", "sources"],
        )
    return lines


def _limit_lines(limits: dict, provenance: dict) -> list[str]:
    stated = [provenance.get(key, {}) for key in LIMIT_LABELS]
    return ["", "Token limits"] + _with_disagreements(
        [
            [label, tokens(limits[key]), stated_by(p)]
            for (key, label), p in zip(LIMIT_LABELS.items(), stated, strict=True)
        ],
        stated,
        lambda statement, _: exact_tokens(statement["value"]),
    )


def _source_lines(sources: dict, route: dict, route_sources: list[dict]) -> list[str]:
    """The snapshot's every source with what the catalog takes from it, the day its statements are of, its status
    (with the note of one skipped or fallen back) and whether it states this route (as which id)."""
    own_ids = {s["source"]: s["source_route_id"] for s in route_sources}
    lines = ["", "Sources"] + _table(
        [
            [
                "As of",
                f"{sources['as_of']} (snapshot {sources['snapshot_id']}, published "
                f"{sources['published']:%Y-%m-%d %H:%M} UTC)",
            ],
            ["Provider page", route["source_url"] or "N/A"],
        ]
    )
    rows = [["source", "provides", "as of", "status", "this route"]]
    notes = []
    for s in sources["listed"]:
        states = s["source"] in own_ids or s["source"] in (route.get("sources") or [])
        own_id = own_ids.get(s["source"], route["route_id"])  # as which id, when the source names it otherwise
        rows.append(
            [
                s["source"] + (f" ({s['version']})" if s["version"] else ""),
                ", ".join(s["provides"]),
                str(s["as_of"] or ""),
                s["status"] or "",
                ("states it" + (f" as {own_id}" if own_id != route["route_id"] else "")) if states else "",
            ]
        )
        notes.append(s["note"])
    table = _table(rows)
    lines.append(table[0])
    for line, note in zip(table[1:], notes, strict=True):
        lines += [line] + ([f"{' ' * 6}{note}"] if note else [])
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
    unit = "/ 1M tokens (3:1)" if basis == "usd_per_1m_tokens_3in_1out" else UNIT_LABELS.get(basis, basis)
    return f"${price:.4f} {unit}"


difference_text = counts.difference_text  # within the cent of a cent: "same price", never -$0.0000


def readable_number(value) -> str:
    """A number as a person writes it: 6 significant digits, no float noise, no exponent (0.045, not
    0.04499999999999999; 0.00002, not 2e-05)."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}" if abs(number) >= 10_000 else str(int(number))
    return f"{float(f'{number:.6g}'):.12f}".rstrip("0").rstrip(".")


def describe_change(row: dict) -> dict:
    """One row of the changes table, readable: what changed and its old and new values, as the table words them
    (sql/history/change_text.sql); an added or removed route: what it is (or was)."""
    old, new = row["old_value"], row["new_value"]
    if row["change"] == "added":
        detail = new or "route added"
    elif row["change"] == "removed":
        detail = old or "route removed"
    else:
        detail = f"{row['field']}: {old if old is not None else 'none'} -> {new if new is not None else 'none'}"
    if row.get("relative_change") is not None:
        detail += f" ({row['relative_change']:+.1%})"
    return {**row, "label": row["field"], "detail": detail}
