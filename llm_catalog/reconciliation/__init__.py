"""Many sources, one truth: every pricing source's normalized tables reconciled into one catalog.

Plain functions over pyarrow tables, the set work in DuckDB SQL under ``sql/reconciliation``:

- ``matching``: one route per provider and model. Routes of different sources are one route when their provider is
  the same and their model names are the same once normalized (rules in that module's docstring); the first source's
  route ids stay, a route only a later source lists keeps that source's id. -> ``route_sources``, ``routes``.
- ``choose``: per price key, limit and capability, the value the catalog believes, who states it, who agrees and the
  rule that chose it (rules in that module's docstring); every disagreement kept with each source's value.
- ``corrections``: a chosen price that moved because the source that changed moved to agree with the others is a
  ``correction``, not a price change.
- ``reconcile``: matching and choosing in one call, giving the catalog's tables (``schemas.CATALOG``) and how they
  were reconciled (``schemas.RECONCILIATION``); ``one_source`` the same for a single source without the joins.
- ``catalog``: the sync's call: the registry's pricing sources as their payloads were read, in the registry's order.
"""
