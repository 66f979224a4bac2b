"""A value per field, and why: for each price key (route, price_kind, tier, condition, unit), each limit and each
capability that any source states, the value the catalog believes (sql/reconciliation/statements.sql, flags.sql,
chosen.sql, outputs.sql).

Prices agree within 0.5% (of the larger); limits and capabilities agree when equal. A capability a source does not
state (``supported`` null) is no statement. A statement's *support* is the number of independent sources that agree
with it: a source generated from another (``SourceInfo.generated_from``, for the route's provider or ``'*'``) that
agrees with that other adds nothing.

First, the known failure classes of a price never win (the statement is set aside; only when nothing else states the
field is it chosen):

- ``unit_slip``: the value is 1000x (within 0.5%) another source's value for the same key, a per-1K / per-token
  slip. Of the two the one with less support slipped; on equal support, the larger one (a per-1K price written
  where a per-token price belongs, the map's failure).
- ``cache_price_in_input``: an input price equal (within 0.5%) to another source's cache-read price of the same
  route, tier, condition and unit, while the other sources stating this input agree on a different value.
- ``zero_placeholder``: a price of 0 where another source states a positive price for the same key (the map writes 0
  for prices it does not know yet; a free route is a route of its own, e.g. OpenRouter's ``:free`` ones).

Then, in order, the rule that chooses among what is left (``rule`` names the one that decided):

1. ``authority``: the provider's own machine-readable statement, a source whose ``authority`` lists the route's
   provider (the OpenRouter API for ``openrouter``); then ``generated_from_authority``: a source generated from
   such a source (models.dev's ``openrouter`` provider, generated from the OpenRouter API), also when that source is
   only described and not in the run (offline).
2. ``agreement``: the value with the most support, when it has more than any value that disagrees with it (all
   sources agreeing is agreement too; of values that agree within 0.5%, the most recent statement's is published).
3. ``recency``: among equally supported values, the most recent statement (the source's ``as_of``).
4. ``source_order``: a tie on date too goes to the source given first (the LiteLLM map).

Where setting a failure class aside decided (without it, the flagged value would have won by these same rules),
``rule`` names the failure class: ``unit_slip``, ``cache_price_in_input`` or ``zero_placeholder``. A field only
one source states has rule ``single_source``.

Every field where a source's value does not agree with the chosen one is kept, with every source's value, date and
flag: ``price_disagreements``, ``limit_disagreements``, ``capability_disagreements``. Three tables, not one with a
``kind`` column, so that each keeps its value's own type (a price in USD, a limit in tokens, a capability a flag)
and its own key (a price's key has four parts, a limit's and a capability's one).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from llm_catalog import schemas
from llm_catalog.reconciliation.sqlfiles import run

RULES = (
    "authority",
    "generated_from_authority",
    "unit_slip",
    "cache_price_in_input",
    "zero_placeholder",
    "single_source",
    "agreement",
    "recency",
    "source_order",
)
FLAGS = ("unit_slip", "cache_price_in_input", "zero_placeholder")

CHOSEN_PRICES = schemas.CATALOG_PRICES
CHOSEN_LIMITS = schemas.LIMIT_PROVENANCE
CHOSEN_CAPABILITIES = schemas.CATALOG_CAPABILITIES
PRICE_DISAGREEMENTS = schemas.PRICE_DISAGREEMENTS
LIMIT_DISAGREEMENTS = schemas.LIMIT_DISAGREEMENTS
CAPABILITY_DISAGREEMENTS = schemas.CAPABILITY_DISAGREEMENTS
OUTPUTS: dict[str, pa.Schema] = {
    "chosen_prices": CHOSEN_PRICES,
    "chosen_limits": CHOSEN_LIMITS,
    "chosen_capabilities": CHOSEN_CAPABILITIES,
    "price_disagreements": PRICE_DISAGREEMENTS,
    "limit_disagreements": LIMIT_DISAGREEMENTS,
    "capability_disagreements": CAPABILITY_DISAGREEMENTS,
}
_ORDER = {
    "chosen_prices": "route_id, price_kind, tier, condition NULLS FIRST, unit",
    "price_disagreements": "route_id, price_kind, tier, condition NULLS FIRST, unit",
    "chosen_limits": "route_id, limit_name",
    "limit_disagreements": "route_id, limit_name",
    "chosen_capabilities": "route_id, capability",
    "capability_disagreements": "route_id, capability",
}


def choose(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Table]:
    """The chosen values and the disagreements, from ``con`` holding ``source_prices``, ``source_limits``,
    ``source_capabilities`` (every source's rows with a ``source`` column), ``route_sources``, ``catalog_keys``,
    ``source_info`` and ``derivations``."""
    for name in ("statements.sql", "flags.sql", "chosen.sql", "outputs.sql"):
        run(con, name)
    return {
        name: con.sql(f"SELECT * FROM {name} ORDER BY {_ORDER[name]}").to_arrow_table().cast(schema)
        for name, schema in OUTPUTS.items()
    }
