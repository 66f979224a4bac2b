"""The site's "What changed" pages, from the snapshot's published changes table (its history up to the snapshot):
changes.html shows the latest month first, and every month gets a page of its own (changes/YYYY-MM.html). Each month
has its snapshots' dates (as_of), counts per kind of change (distinct routes, and rows), the biggest price moves and
the rows of each kind, linked to the route pages that exist. Corrections (a source that corrected itself to agree
with the others moved the published price) are counted and listed apart from price changes, and are no price move."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import jinja2
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.history.step import current_layout
from llm_catalog.paths import SQL_DIR
from llm_catalog.readers.formatting import describe_change
from llm_catalog.readers.query import fetch_rows

SITE_SQL = SQL_DIR / "site"
KINDS = {  # what the counts say, in the page's order (sql/site/month_changes.sql names the kinds)
    "added": "Routes added",
    "removed": "Routes removed",
    "price_up": "Price up",
    "price_down": "Price down",
    "price_other": "Price added or dropped",
    "correction": "Price corrections",
    "limit": "Limits",
    "capability": "Capabilities",
    "modality": "Modalities",
    "metadata": "Other details",
}
MOVES_SHOWN = 10  # the biggest price moves of a month, by relative change
CHANGES_SHOWN = 500  # rows per kind on a month's page; the rest are counted and pointed to


def month_path(month: str) -> str:
    return f"changes/{month}.html"


def changes_table(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The snapshot's changes table in the current layout; empty for a snapshot older than the table."""
    try:
        table = con.sql("SELECT * FROM changes").to_arrow_table()
    except duckdb.CatalogException:
        return schemas.CHANGES.empty_table()
    return current_layout(table)


def month_views(changes: pa.Table, route_ids: set[str]) -> list[dict]:
    """Every month with changes, latest first, as the pages show it; ``route_ids``: the routes that have a page."""
    con = duckdb.connect()
    con.register("changes", changes)
    con.execute("CREATE TEMP VIEW month_changes AS " + (SITE_SQL / "month_changes.sql").read_text())
    rows = defaultdict(list)
    for row in fetch_rows(con, "SELECT * FROM month_changes"):
        rows[row["month"]].append({**_described(row), "linked": row["route_id"] in route_ids})
    counts = defaultdict(dict)
    dates = {}
    for c in fetch_rows(con, (SITE_SQL / "month_counts.sql").read_text()):
        counts[c["month"]][c["kind"]] = c
        dates[c["month"]] = c["dates"]
    return [_month(month, dates[month], counts[month], listed) for month, listed in rows.items()]


def _described(row: dict) -> dict:
    """A change as the page words it; a correction also names the sources whose statement moved."""
    described = describe_change(row)
    if row["change"] == "correction" and row.get("moved_sources"):
        described["detail"] += f"; moved: {', '.join(row['moved_sources'])}"
    return described


def _month(month: str, dates: list[date], counts: dict, rows: list[dict]) -> dict:
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    days = [d.isoformat() for d in dates]
    return {
        "month": month,
        "title": date.fromisoformat(f"{month}-01").strftime("%B %Y"),
        "path": month_path(month),
        "dates": days,
        "dates_text": ", ".join(days[:-1]) + " and " + days[-1] if len(days) > 1 else days[0],
        "total": len(rows),
        "counts": [{**counts[kind], "label": label} for kind, label in KINDS.items() if kind in counts],
        "routes_by_kind": {kind: c["routes"] for kind, c in counts.items()},
        "moves": sorted((r for r in rows if r["move_rank"] and r["move_rank"] <= MOVES_SHOWN), key=_rank),
        "sections": [
            {"kind": kind, "label": label, "rows": by_kind[kind][:CHANGES_SHOWN], "total": len(by_kind[kind])}
            for kind, label in KINDS.items()
            if by_kind[kind]
        ],
        "limit": CHANGES_SHOWN,
    }


def _rank(row: dict) -> int:
    return row["move_rank"]


def write_change_pages(env: jinja2.Environment, months: list[dict], out: Path, common: dict) -> None:
    """changes.html (the latest month, and every month listed) and a page per month under changes/."""
    (out / "changes").mkdir()
    (out / "changes.html").write_text(
        env.get_template("changes.html").render(
            root="", months=months, month=months[0] if months else None, kinds=KINDS, **common
        )
    )
    template = env.get_template("change_month.html")
    for number, month in enumerate(months):
        newer = months[number - 1] if number else None
        older = months[number + 1] if number + 1 < len(months) else None
        html = template.render(root="../", month=month, newer=newer, older=older, **common)
        (out / month["path"]).write_text(html)
