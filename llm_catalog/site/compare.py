"""The compare page and the data behind it and the calculators.

Each route page embeds what the compare page shows of it (prices of every kind and tier, limits, capabilities,
modalities, benchmarks, sources and the workload pricing terms of llm_catalog.readers.cost) as JSON in
`<script type="application/json" id="compare-data">`; compare.js fetches the chosen routes' pages and reads it.
One static compare.html then serves every choice of 2-4 of the 11,864 routes, and the build writes no extra file
per route (a route page is ~52 KB; four fetched pages are cheaper than 11,864 more files to write and stamp).
The id is not `route-data`: site.js reads an element of that id as the index's data on any page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from markupsafe import Markup

from llm_catalog.paths import SQL_DIR
from llm_catalog.readers.cost import route_terms
from llm_catalog.readers.formatting import LIMIT_LABELS, money, score_text, tokens
from llm_catalog.readers.query import fetch_rows
from llm_catalog.site import links
from llm_catalog.text import visible, web_link

STATIC_FILES = ("cost.js", "calculator.js", "compare.js")
HERE = Path(__file__).resolve().parent


class Embedding:
    """The JSON a route page and a base-model page embed, from one read of every route's pricing terms."""

    def __init__(self, terms: dict[str, dict], duplicates: set[str]):
        self.terms, self.duplicates = terms, duplicates

    @classmethod
    def read(cls, con) -> Embedding:
        """Every route's pricing terms and the duplicate keys the calculators leave out, from the snapshot."""
        duplicates = fetch_rows(con, (SQL_DIR / "site" / "duplicate_routes.sql").read_text(), [])
        return cls(route_terms(con), {r["route_id"] for r in duplicates})

    def route(self, page: dict, view: dict) -> Markup:
        return script_json(route_data(page, view, self.terms.get(page["route"]["route_id"])))

    def model(self, routes: list[dict]) -> Markup:
        """Every route of a base model with its terms, less duplicates of another route: the base-model page's
        calculator ranks them as `llm-catalog cost BASE_MODEL` does (llm_catalog.readers.cost.model_route_ids)."""
        return script_json(
            [
                {
                    "route_id": r["route_id"],
                    "path": links.route_path(r["route_id"]),
                    "provider_name": r["provider_name"],
                    "terms": self.terms.get(r["route_id"]),
                }
                for r in routes
                if r["route_id"] not in self.duplicates
            ]
        )


def write_compare(env, con, out: Path, common: dict) -> Embedding:
    """compare.html and the scripts of the compare page and the calculators into the site folder ``out``; returns
    what the route and base-model pages embed."""
    for name in STATIC_FILES:
        shutil.copyfile(HERE / "static" / name, out / "static" / name)
    (out / "compare.html").write_text(env.get_template("compare.html").render(root="", **common))
    return Embedding.read(con)


def route_data(page: dict, view: dict, terms: dict | None) -> dict:
    """What the compare page shows of one route, each value also as the route page writes it."""
    route, limits = page["route"], page["limits"]
    prices = [
        {
            "group": group["title"],
            "kind": p["price_kind"],
            "label": p["label"],
            "tier": p["tier"],
            "condition": p["condition"],
            "unit": p["unit"],
            "usd": p["usd"],
            "text": money(p["usd"], p["unit"]),
        }
        for group in view["pricing"]
        for p in group["rows"]
    ]
    page_url = route.get("source_url")
    return {
        "route_id": route["route_id"],
        "name": route["model"].split("/")[-1],
        "provider": route["provider"],
        "provider_name": route["provider_name"] or route["provider"],
        "base_model": route["base_model"],
        "base_path": links.model_path(route["base_model"]),
        "mode": route["mode"],
        "prices": prices,
        "limits": [
            {"key": k, "label": label, "value": limits[k], "text": tokens(limits[k])}
            for k, label in LIMIT_LABELS.items()
        ],
        "capabilities": [
            {"capability": c, "state": "yes" if s else ("unknown" if s is None else "no")}
            for c, s in page["capabilities"].items()
        ],
        "inputs": route["input_modalities"] or [],
        "outputs": route["output_modalities"] or [],
        "modalities_stated": bool(route["modalities_stated"]),
        "benchmarks": [
            {"name": m["benchmark_name"], "score": score_text(m["score"], m["unit"]), "scope": m["scope_label"]}
            for m in page["benchmarks"]
        ],
        "sources": [{"source": s["source"], "as_of": s["as_of"]} for s in view["sources"] if s["states"]],
        "provider_page": page_url,
        "provider_page_link": bool(page_url and web_link(page_url)),
        "terms": terms,
    }


def script_json(value) -> Markup:
    """``value`` as the text of a JSON script element: its strings as the page shows them (text.visible), and no
    `<`, `>` or `&` that could end the element or start a comment. Nearly every value has only printable text that
    JSON writes as it is: one pass over the written JSON shows it, rather than text.visible on each of its strings."""
    text = json.dumps(value, separators=(",", ":"), default=str, ensure_ascii=False)
    if "\\" in text or not text.isprintable():  # a string with a hidden code point, or one JSON had to escape
        text = json.dumps(_visible(value), separators=(",", ":"), default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _visible(value):
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list | tuple):
        return [_visible(v) for v in value]
    if isinstance(value, dict):
        return {k: _visible(v) for k, v in value.items()}
    return value
