"""The commands that read a warehouse's published snapshots: versions, verify, diff, show, search, cost, site, query.
Each binds its snapshot through llm_catalog.readers.snapshot, read-only."""

from __future__ import annotations

import json
import sys
from datetime import date

from llm_catalog.errors import CatalogError
from llm_catalog.readers.terminal import visible_data, visible_lines
from llm_catalog.warehouse.store import Warehouse, open_warehouse


def _warehouse(args) -> Warehouse:
    """The warehouse the command names: ``--warehouse`` (a folder or s3://BUCKET/PREFIX) and ``--s3-endpoint``."""
    return open_warehouse(args.warehouse, s3_endpoint=args.s3_endpoint)


def cmd_versions(args) -> int:
    from llm_catalog.readers import snapshot

    warehouse = _warehouse(args).require()
    published = snapshot.published_ids(warehouse)
    current = published[-1] if published else None
    listed = []
    for snapshot_id in reversed(published):
        manifest = warehouse.manifest(snapshot_id)
        listed.append(
            {
                "snapshot_id": snapshot_id,
                "current": snapshot_id == current,
                "as_of": manifest.get("as_of") or manifest["created_at"][:10],
                "created_at": manifest["created_at"],
                "code_version": manifest["code_version"],
                "rows": {name: info["rows"] for name, info in manifest["tables"].items()},
                # an earlier release's snapshot: normalized and history tables only
                "earlier_release": warehouse.earlier_release(manifest),
                "sources": [
                    {k: s.get(k) for k in ("source", "version", "sha256", "status", "origin")}
                    for s in manifest["sources"]
                ],
            }
        )
    if args.format == "json":
        print(json.dumps(listed, indent=1))
        return 0
    if not listed:
        print(f"no snapshots in {warehouse.location}")
        return 0
    for v in visible_data(listed):
        sources = ", ".join(
            f"{s['source']}={s['version'] or (s['sha256'] or '')[:12] or s['status']}" for s in v["sources"]
        )
        print(
            f"{'*' if v['current'] else ' '} {v['snapshot_id']}  as of {v['as_of']}  "
            f"routes={v['rows']['routes']:<6} prices={v['rows']['prices']:<6} code={v['code_version']}  {sources}"
            f"{'  (earlier release: normalized and history tables)' if v['earlier_release'] else ''}"
        )
    return 0


def cmd_verify(args) -> int:
    warehouse = _warehouse(args).require()
    snapshot_id = args.snapshot or warehouse.current_id()
    problems = warehouse.verify(snapshot_id)
    if problems:
        for problem in problems:
            print(visible_lines(f"{snapshot_id or 'warehouse'}: {problem}"), file=sys.stderr)
        return 1
    manifest = warehouse.manifest(snapshot_id)
    rows = sum(info["rows"] for info in manifest["tables"].values())
    print(f"{snapshot_id}: ok, {len(manifest['tables'])} tables and {rows} rows match the manifest")
    return 0


def _snapshot_choice(args) -> dict:
    """--snapshot ID or --as-of DATE (the snapshot current on that date; it wins over --snapshot), as the keywords
    of llm_catalog.readers.snapshot.connect; neither: the current snapshot."""
    if getattr(args, "as_of", None):
        try:
            return {"snapshot_id": None, "as_of": date.fromisoformat(args.as_of)}
        except ValueError as exc:
            raise CatalogError(f"--as-of takes a YYYY-MM-DD date, got {args.as_of!r}") from exc
    return {"snapshot_id": args.snapshot, "as_of": None}


def cmd_diff(args) -> int:
    """What changed between two published snapshots, as the newer one's `changes` table records it."""
    from llm_catalog.readers import formatting
    from llm_catalog.readers.diff import CHANGE_TYPES, snapshot_diff

    warehouse = _warehouse(args).require()
    diff = snapshot_diff(warehouse, args.old, args.new)
    found, old, new = diff["rows"], diff["old"], diff["new"]
    counts = {change: sum(r["change"] == change for r in found) for change in CHANGE_TYPES}
    shown = {
        change: [formatting.describe_change(r) for r in found if r["change"] == change][: args.limit]
        for change in CHANGE_TYPES
    }
    if args.format == "json":
        print(
            formatting.render_json(
                {
                    "old": old,
                    "new": new,
                    "total": len(found),
                    "counts": counts,
                    "limit": args.limit,
                    "changes": {change: rows for change, rows in shown.items() if rows},
                }
            )
        )
        return 0
    old, new, shown = visible_data(old), visible_data(new), visible_data(shown)
    print(
        f"{old['snapshot_id']} (as of {old['as_of']}) -> {new['snapshot_id']} (as of {new['as_of']}): "
        f"{len(found)} changes"
    )
    for change in CHANGE_TYPES:
        print(f"  {change:<10} {counts[change]}")
    for change in CHANGE_TYPES:
        if not shown[change]:
            continue
        print(f"\n{change} ({counts[change]})")
        for row in shown[change]:
            print(f"  {row['route_id']}{'  ' + row['detail'] if row['detail'] else ''}")
        if counts[change] > args.limit:
            print(f'  ... and {counts[change] - args.limit} more (llm-catalog query "SELECT * FROM changes")')
    return 0


def cmd_show(args) -> int:
    """The page of a route; for a base model or an id that is no route, the matching routes first (and the page
    of the route the id names once its provider prefix is dropped, e.g. openai/gpt-4o -> gpt-4o)."""
    from llm_catalog.readers import formatting, page, search, snapshot

    warehouse = _warehouse(args).require()
    con, snapshot_id = snapshot.connect(warehouse, **_snapshot_choice(args))
    found = con.execute("SELECT count(*) FROM routes WHERE route_id = ?", [args.route]).fetchone()[0]
    if found:
        gathered = page.gather(con, args.route, snapshot_id, lens=args.lens)
        text = (
            formatting.render_json(gathered)
            if args.format == "json"
            else formatting.render_text(visible_data(gathered))
        )
        print(text)
        return 0
    matches = search.search(con, args.route, limit=args.limit)
    exact = search.exact_matches(matches)
    if not exact:
        raise CatalogError(
            f"no route {args.route!r} in snapshot {snapshot_id}; closest: "
            f"{', '.join(m['route_id'] for m in matches[:5])} (llm-catalog search TEXT)"
        )
    named = exact[0]["route_id"] if exact[0]["matched"] == "route id" else None
    gathered = page.gather(con, named, snapshot_id, lens=args.lens) if named else None
    if args.format == "json":
        print(formatting.render_json({"query": args.route, "matches": exact, "page": gathered}))
        return 0
    print(visible_lines(f"{args.route!r} is not a route id; {len(exact)} route(s) match it:"))
    print(_matches_table(exact))
    if gathered:
        print(f"\n{formatting.render_text(visible_data(gathered))}")
    return 0


def _matches_table(matches: list[dict]) -> str:
    """The matching routes as `query`'s table (whose cells are made visible)."""
    from llm_catalog.readers import query

    columns = ["route_id", "provider_name", "base_model", "family", "mode", "score", "matched"]
    return query.render(columns, [tuple(m[c] for c in columns) for m in matches])


def cmd_search(args) -> int:
    from llm_catalog.readers import formatting, search, snapshot

    warehouse = _warehouse(args).require()
    con, _ = snapshot.connect(warehouse, **_snapshot_choice(args))
    matches = search.search(con, args.text, limit=args.limit)
    print(formatting.render_json(matches) if args.format == "json" else _matches_table(matches))
    return 0


def cmd_cost(args) -> int:
    """A workload priced on a route (its lines, total and notes), or on every route of a base model, ranked."""
    from llm_catalog.readers import cost, cost_text, snapshot

    try:
        workload = cost.Workload(args.input, args.output, args.cached_share, args.batch, args.per, args.prompt_tokens)
    except ValueError as exc:
        raise CatalogError(str(exc)) from exc
    warehouse = _warehouse(args).require()
    con, snapshot_id = snapshot.connect(warehouse, **_snapshot_choice(args))
    terms = cost.route_terms(con, [args.route])
    if terms:
        quote = cost.price(terms[args.route], workload)
        if not quote["ok"] and args.format != "json":
            raise CatalogError(quote["reason"])
        print(visible_lines(cost_text.render_quote(quote, workload, args.format)))
        return 0 if quote["ok"] else 1
    quotes = cost.price_model(con, args.route, workload)
    if not quotes:
        raise CatalogError(
            f"no route or base model {args.route!r} in snapshot {snapshot_id} (llm-catalog search TEXT finds one)"
        )
    print(visible_lines(cost_text.render_ranking(args.route, quotes, workload, args.format)))
    return 0


def cmd_site(args) -> int:
    """Build the static site of a snapshot, or (--serve) serve a built one on 127.0.0.1."""
    from llm_catalog.site.serve import site_server
    from llm_catalog.site.upload import build_site_at, site_destination

    warehouse = _warehouse(args)
    destination = site_destination(warehouse, args.out)
    out = destination.uri()
    if args.serve:
        if not destination.local:
            raise CatalogError(f"--serve serves a folder; {out} is a bucket (serve it from its CDN or web endpoint)")
        server = site_server(destination.root, args.port)
        print(f"serving {out} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
        return 0
    warehouse.require()
    choice = _snapshot_choice(args)
    _require_full(warehouse, choice)
    record = build_site_at(
        warehouse, destination, choice["snapshot_id"], as_of=choice["as_of"], processes=args.processes
    )
    if not args.quiet:
        print(
            f"built the site of snapshot {record['snapshot_id']} in {out}: {record['routes']} route pages, "
            f"{record['models']} base-model pages, {record['benchmarks']} benchmark pages "
            f"({record['build_seconds']} s); open {destination.uri('index.html')}"
        )
    return 0


def _require_full(warehouse: Warehouse, choice: dict) -> None:
    """The site shows similar models, benchmarks and models: an earlier release's snapshot has none of them."""
    from llm_catalog.readers.snapshot import bind
    from llm_catalog.schemas import FULL_SNAPSHOT

    bound = bind(warehouse, choice["snapshot_id"], as_of=choice["as_of"])
    missing = sorted(FULL_SNAPSHOT - set(bound.manifest["tables"]))
    if missing:
        raise CatalogError(
            f"snapshot {bound.snapshot_id} (as of {bound.manifest.get('as_of')}) has no {', '.join(missing)}: "
            "it is an earlier release's (or older code's) snapshot; build the site of a full one (the current one, "
            "without --as-of), whose history tables cover it; `llm-catalog show ROUTE --as-of` reads it"
        )


def cmd_query(args) -> int:
    from llm_catalog.readers import query, snapshot

    warehouse = _warehouse(args).require()
    con, _ = snapshot.connect(warehouse, **_snapshot_choice(args), allow_files=args.allow_files)
    columns, rows = query.run(con, args.sql)
    print(query.render(columns, rows, args.format))
    return 0
