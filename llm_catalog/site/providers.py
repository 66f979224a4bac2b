"""A page per provider (providers/<provider>.html: its routes with their base model, prices, context and whether it
is a runtime you run yourself) and the list of providers (providers/index.html), from the index's rows."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from llm_catalog.readers.counts import with_self_hosted
from llm_catalog.readers.query import fetch_rows
from llm_catalog.site import links


def route_self_hosted(con) -> dict[str, bool]:
    """Each route's routes.self_hosted; a snapshot from before the column: from its provider (readers.counts)."""
    have = set(con.sql("SELECT * FROM routes LIMIT 0").columns)
    column = "self_hosted" if "self_hosted" in have else "NULL"
    rows = fetch_rows(con, f"SELECT route_id, provider, {column} AS self_hosted FROM routes", [])
    return {r["route_id"]: with_self_hosted(r)["self_hosted"] for r in rows}


def write_provider_pages(env, con, index: list[dict], out: Path, common: dict) -> int:
    """Every provider's page and the providers' list; the number of providers."""
    self_hosted = route_self_hosted(con)
    by_provider: dict[str, list[dict]] = defaultdict(list)
    for row in index:
        by_provider[row["provider"]].append({**row, "self_hosted": self_hosted.get(row["route_id"], False)})
    (out / "providers").mkdir(exist_ok=True)
    template = env.get_template("provider.html")
    listed = []
    for provider, routes in sorted(by_provider.items()):
        routes.sort(key=lambda r: (r["base_model"], r["route_id"]))
        name = routes[0]["provider_name"] or provider
        runs_locally = all(r["self_hosted"] for r in routes)
        html = template.render(
            root="../", provider=provider, name=name, routes=routes, self_hosted=runs_locally, **common
        )
        (out / links.provider_path(provider)).write_text(html)
        listed.append(
            {
                "provider": provider,
                "name": name,
                "routes": len(routes),
                "base_models": len({r["base_model"] for r in routes}),
                "self_hosted": runs_locally,
            }
        )
    listed.sort(key=lambda p: (p["name"].lower(), p["provider"]))
    html = env.get_template("providers.html").render(root="../", providers=listed, **common)
    (out / "providers" / "index.html").write_text(html)
    return len(listed)
