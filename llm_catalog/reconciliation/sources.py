"""What reconciliation needs to know about each source besides its tables: its date, the providers it is the
provider's own machine-readable statement for, and what it is generated from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.errors import SourceError

ANY_PROVIDER = "*"
TABLES = ("routes", "prices", "limits", "capabilities")
KEPT_TABLES = ("extra_fields", "rejects")  # kept as the source gives them, on the catalog's route ids

SOURCE_INFO = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_order", pa.int32(), nullable=False),  # the order the sources were given in, first = 0
        pa.field("in_run", pa.bool_(), nullable=False),  # false: described only (its authority still counts)
        pa.field("as_of", pa.date32()),
        pa.field("authority", pa.list_(pa.string())),
    ]
)
DERIVATIONS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("provider", pa.string(), nullable=False),  # a catalog provider id, or '*' for every provider
        pa.field("generated_from", pa.string(), nullable=False),
    ]
)


@dataclass(frozen=True)
class SourceInfo:
    """``authority``: the catalog provider ids this source is the provider's own statement for (the OpenRouter API
    for ``openrouter``). ``generated_from``: provider id (or ``'*'``) -> the source this source's routes of that
    provider are generated from (models.dev's ``openrouter`` provider from the OpenRouter API): not independent of
    it, and second in line where that source is the provider's own statement."""

    as_of: dt.date
    authority: frozenset[str] = frozenset()
    generated_from: Mapping[str, str] = field(default_factory=dict)


def checked_tables(source: str, tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """The source's routes, prices, limits and capabilities cast to the normalized schemas; a clear error naming the
    source and the table when one is missing or does not fit."""
    found = {}
    for name in TABLES:
        if name not in tables:
            raise SourceError(source, f"reconciliation needs the normalized table {name!r}; it is missing")
        try:
            found[name] = tables[name].select(schemas.NORMALIZED[name].names).cast(schemas.NORMALIZED[name])
        except (KeyError, pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as error:
            raise SourceError(source, f"table {name!r} does not fit the normalized schema: {error}") from error
    ids = found["routes"].column("route_id")
    if len(ids) != len(pa.compute.unique(ids)):
        raise SourceError(source, "route ids must be unique within a source", field="route_id")
    return found


def info_tables(sources: list[str], info: Mapping[str, SourceInfo]) -> tuple[pa.Table, pa.Table]:
    """(source_info, derivations) for the sources of the run, in order, and any source ``info`` only describes."""
    missing = [name for name in sources if name not in info]
    if missing:
        raise SourceError(missing[0], "no SourceInfo (as_of, authority, generated_from) was given for it")
    described = sources + sorted(set(info) - set(sources))
    rows, derived = [], []
    for order, name in enumerate(described):
        meta = info[name]
        if not isinstance(meta.as_of, dt.date):
            raise SourceError(name, f"as_of must be a date, got {meta.as_of!r}", field="as_of")
        rows.append(
            {
                "source": name,
                "source_order": order,
                "in_run": name in sources,
                "as_of": meta.as_of,
                "authority": sorted(meta.authority),
            }
        )
        for provider, origin in meta.generated_from.items():
            if origin == name:
                raise SourceError(name, "a source cannot be generated from itself", field="generated_from")
            derived.append({"source": name, "provider": provider, "generated_from": origin})
    return pa.Table.from_pylist(rows, SOURCE_INFO), pa.Table.from_pylist(derived, DERIVATIONS)


def with_source(tables: list[tuple[str, pa.Table]]) -> pa.Table:
    """One table of every source's rows of one kind, with a leading ``source`` column."""
    parts = [table.add_column(0, "source", pa.array([name] * table.num_rows, pa.string())) for name, table in tables]
    return pa.concat_tables(parts)


def kept_table(source: str, name: str, tables: Mapping[str, pa.Table]) -> pa.Table:
    """The source's ``extra_fields`` or ``rejects`` in the normalized schema; empty when it has none."""
    schema = schemas.NORMALIZED[name]
    if name not in tables:
        return schema.empty_table()
    try:
        return tables[name].select(schema.names).cast(schema)
    except (KeyError, pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as error:
        raise SourceError(source, f"table {name!r} does not fit the normalized schema: {error}") from error
