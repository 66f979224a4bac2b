"""Parsed sources: each source's payload parsed once per sync (one asset per source of the registry that has a
parser), handed on as a ParsedSource (a dict the IO manager keeps as JSON) to the benchmarks and models assets."""

from datetime import datetime

import dagster as dg

from llm_catalog.normalized.parsed import ParsedSource
from llm_catalog.registry import PARSED, parsed_asset
from llm_catalog.sources.fetch import RawPayload, is_url
from llm_catalog.sources.source import Source


def parse_payload(source: Source, payload: dict) -> ParsedSource:
    """``source``'s payload as its parser reads it; empty, with the reason, when the source was skipped. Figures are
    dated by the day the payload was fetched, and point at the upstream location when it was a URL."""
    if payload.get("status") == "skipped":
        return ParsedSource(source.name, skipped=payload.get("note") or "skipped")
    raw = RawPayload.from_dict(payload)
    return source.parse(
        raw.read_bytes(),
        source=f"{source.name} ({raw.origin})",
        checked=datetime.fromisoformat(raw.fetched_at).date(),
        url=raw.origin if is_url(raw.origin) else None,
    )


def _parsed_source_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        name=parsed_asset(source),
        group_name="normalized",
        kinds={"json"},
        ins={"payload": dg.AssetIn(source.asset)},
        description=f"{source.name}'s payload, parsed: model facts, benchmark figures and the evidence that "
        "places them (a ParsedSource).",
    )
    def parsed(context: dg.AssetExecutionContext, payload: dict) -> dict:
        found = parse_payload(source, payload)
        if found.skipped:
            context.log.info(f"{source.name}: skipped ({found.skipped})")
        context.add_output_metadata(
            {
                "models": len(found.models),
                "scores": len(found.scores),
                "left_out": len(found.left_out),
                "skipped": found.skipped or "",
            }
        )
        return found.to_dict()

    return parsed


PARSED_SOURCES = [_parsed_source_asset(source) for source in PARSED]
